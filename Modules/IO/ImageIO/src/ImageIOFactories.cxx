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
  if (const auto* itkError = dynamic_cast<const itk::ExceptionObject*>(&error)) {
    std::string description = itkError->GetDescription();
    if (!description.empty()) {
      return oneLine(description);
    }
  }
  return oneLine(error.what());
}

}  // namespace skipseg::io::detail
