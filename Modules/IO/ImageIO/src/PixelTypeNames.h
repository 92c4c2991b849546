#pragma once
// Internal: short names of stored voxel types ("uint8", "int16", "float") used in ImageInfo and logs.
#include <itkImageIOBase.h>

#include <string>

namespace skipseg::io::detail {

std::string pixelTypeName(itk::IOComponentEnum component);

}  // namespace skipseg::io::detail
