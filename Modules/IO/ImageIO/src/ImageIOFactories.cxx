#include "ImageIOFactories.h"

#include "skipseg/core/Error.h"

#include <itkGDCMImageIOFactory.h>
#include <itkMacro.h>
#include <itkMetaImageIOFactory.h>
#include <itkNiftiImageIOFactory.h>
#include <itkNrrdImageIOFactory.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <regex>

namespace skipseg::io::detail {
namespace {

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string lowerCase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

}  // namespace

void registerImageIOFactories() {
  static std::once_flag once;
  std::call_once(once, [] {
    itk::NiftiImageIOFactory::RegisterOneFactory();
    itk::NrrdImageIOFactory::RegisterOneFactory();
    itk::MetaImageIOFactory::RegisterOneFactory();
    itk::GDCMImageIOFactory::RegisterOneFactory();
  });
}

std::string formatOfFileName(const std::string& path) {
  const std::string name = lowerCase(path);
  if (endsWith(name, ".nii") || endsWith(name, ".nii.gz")) {
    return "NIfTI";
  }
  if (endsWith(name, ".nrrd") || endsWith(name, ".nhdr")) {
    return "NRRD";
  }
  if (endsWith(name, ".mha") || endsWith(name, ".mhd")) {
    return "MetaImage";
  }
  return "";
}

bool hasDetachedData(const std::string& path) {
  const std::string name = lowerCase(path);
  return endsWith(name, ".nhdr") || endsWith(name, ".mhd");
}

std::string supportedExtensions() {
  return ".nii, .nii.gz, .nrrd, .nhdr, .mha, .mhd or a DICOM folder";
}

std::string describeItkError(const std::exception& error) {
  std::string description;
  if (const auto* itkError = dynamic_cast<const itk::ExceptionObject*>(&error)) {
    description = itkError->GetDescription();
  }
  if (description.empty()) {
    description = error.what();
  }
  // itkExceptionMacro prefixes "itk::ERROR: NrrdImageIO(0x55d0c3a1b2c0): " (older ITK: "ITK ERROR: "): a
  // class and an address that mean nothing to a user (and differ between runs).
  static const std::regex prefix(R"((itk::ERROR|ITK ERROR): [A-Za-z0-9_:]+\(0x[0-9a-fA-F]+\): ?)");
  return oneLine(std::regex_replace(description, prefix, ""));
}

}  // namespace skipseg::io::detail
