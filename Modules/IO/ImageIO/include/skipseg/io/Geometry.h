#pragma once
// Crossing between ITK images and the plain VoxelBuffer the Torch side uses.
#include "skipseg/core/VoxelBuffer.h"
#include "skipseg/io/ImageTypes.h"

#include <cstddef>

namespace skipseg::io {

// An ITK image's grid as ImageGeometry and back (SkipSegItkBridge).
using skipseg::applyGeometry;
using skipseg::geometryOf;

/// One channel holding the image's voxels (i fastest) and its geometry.
VoxelBuffer toVoxelBuffer(const FloatImage* image);

/// An ITK image of one channel of a buffer, with the buffer's geometry.
FloatImage::Pointer fromVoxelBuffer(const VoxelBuffer& buffer, std::size_t channel = 0);

}  // namespace skipseg::io
