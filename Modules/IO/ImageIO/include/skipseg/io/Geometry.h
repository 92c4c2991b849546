#pragma once
// Crossing between ITK images and the plain VoxelBuffer the Torch side uses.
#include "skipseg/core/VoxelBuffer.h"
#include "skipseg/io/ImageTypes.h"

#include <cstddef>

namespace skipseg::io {

/// Size, spacing, origin (of the first buffered voxel) and direction of an ITK image.
ImageGeometry geometryOf(const itk::ImageBase<3>* image);

/// Gives an ITK image the geometry (size, spacing, origin, direction) of `geometry`, without allocating.
void applyGeometry(const ImageGeometry& geometry, itk::ImageBase<3>* image);

/// One channel holding the image's voxels (i fastest) and its geometry.
VoxelBuffer toVoxelBuffer(const FloatImage* image);

/// An ITK image of one channel of a buffer, with the buffer's geometry.
FloatImage::Pointer fromVoxelBuffer(const VoxelBuffer& buffer, std::size_t channel = 0);

}  // namespace skipseg::io
