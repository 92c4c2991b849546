#include "skipseg/io/Geometry.h"

#include "skipseg/core/Error.h"

#include <algorithm>

namespace skipseg::io {

ImageGeometry geometryOf(const itk::ImageBase<3>* image) {
  ImageGeometry geometry;
  const auto region = image->GetLargestPossibleRegion();
  itk::Point<double, 3> firstVoxel;
  image->TransformIndexToPhysicalPoint(region.GetIndex(), firstVoxel);
  for (unsigned axis = 0; axis < 3; ++axis) {
    geometry.size[axis] = region.GetSize(axis);
    geometry.spacing[axis] = image->GetSpacing()[axis];
    geometry.origin[axis] = firstVoxel[axis];
    for (unsigned column = 0; column < 3; ++column) {
      geometry.direction[axis * 3 + column] = image->GetDirection()(axis, column);
    }
  }
  return geometry;
}

void applyGeometry(const ImageGeometry& geometry, itk::ImageBase<3>* image) {
  itk::ImageRegion<3> region;
  itk::Vector<double, 3> spacing;
  itk::Point<double, 3> origin;
  itk::Matrix<double, 3, 3> direction;
  for (unsigned axis = 0; axis < 3; ++axis) {
    region.SetIndex(axis, 0);
    region.SetSize(axis, geometry.size[axis]);
    spacing[axis] = geometry.spacing[axis];
    origin[axis] = geometry.origin[axis];
    for (unsigned column = 0; column < 3; ++column) {
      direction(axis, column) = geometry.direction[axis * 3 + column];
    }
  }
  image->SetRegions(region);
  image->SetSpacing(spacing);
  image->SetOrigin(origin);
  image->SetDirection(direction);
}

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
