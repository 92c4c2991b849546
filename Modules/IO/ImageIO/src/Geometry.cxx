#include "skipseg/io/Geometry.h"

#include "skipseg/core/Error.h"

#include <algorithm>

namespace skipseg::io {

VoxelBuffer toVoxelBuffer(const FloatImage* image) {
  VoxelBuffer buffer(geometryOf(image), 1);
  const auto count = buffer.geometry.voxelCount();
  if (image->GetBufferedRegion() != image->GetLargestPossibleRegion()) {
    throw internalError("toVoxelBuffer needs a fully buffered image");
  }
  std::copy_n(image->GetBufferPointer(), count, buffer.values.begin());
  return buffer;
}

FloatImage::Pointer fromVoxelBuffer(const VoxelBuffer& buffer, std::size_t channel) {
  if (channel >= buffer.channels) {
    throw internalError("fromVoxelBuffer: channel " + std::to_string(channel) + " of a buffer with " +
                        std::to_string(buffer.channels) + " channels");
  }
  auto image = FloatImage::New();
  applyGeometry(buffer.geometry, image);
  image->Allocate();
  std::copy_n(buffer.channel(channel), buffer.geometry.voxelCount(), image->GetBufferPointer());
  return image;
}

}  // namespace skipseg::io
