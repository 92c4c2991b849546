#include "PixelTypeNames.h"

namespace skipseg::io::detail {

std::string pixelTypeName(itk::IOComponentEnum component) {
  switch (component) {
    case itk::IOComponentEnum::UCHAR: return "uint8";
    case itk::IOComponentEnum::CHAR: return "int8";
    case itk::IOComponentEnum::USHORT: return "uint16";
    case itk::IOComponentEnum::SHORT: return "int16";
    case itk::IOComponentEnum::UINT: return "uint32";
    case itk::IOComponentEnum::INT: return "int32";
    case itk::IOComponentEnum::ULONG:
    case itk::IOComponentEnum::ULONGLONG: return "uint64";
    case itk::IOComponentEnum::LONG:
    case itk::IOComponentEnum::LONGLONG: return "int64";
    case itk::IOComponentEnum::FLOAT: return "float";
    case itk::IOComponentEnum::DOUBLE: return "double";
    default: return "unknown";
  }
}

}  // namespace skipseg::io::detail
