#include "ImageIOFactories.h"

#include "skipseg/core/Error.h"
#include "skipseg/io/ImageFormats.h"

#include <itkGDCMImageIOFactory.h>
#include <itkMacro.h>
#include <itkMetaImageIOFactory.h>
#include <itkNiftiImageIOFactory.h>
#include <itkNrrdImageIOFactory.h>

#include <mutex>
#include <regex>

namespace skipseg::io::detail {

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
  const ImageFormat* format = imageFormatOfPath(path);
  return format != nullptr && format->writable ? format->name : "";
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
