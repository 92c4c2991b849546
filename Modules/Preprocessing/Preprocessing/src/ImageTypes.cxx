#include "skipseg/preprocessing/ImageTypes.h"

namespace skipseg::preprocessing {

ImageGeometry geometryOf(const itk::ImageBase<3>& image) {
  ImageGeometry geometry;
  const auto region = image.GetLargestPossibleRegion();
  // A region that does not start at index 0 moves the origin to its first voxel, so that the
  // geometry's index 0 is the buffer's first voxel.
  const auto firstVoxel = image.GetOrigin() + image.GetDirection() * [&] {
    itk::Vector<double, 3> offset;
    for (unsigned axis = 0; axis < 3; ++axis) {
      offset[axis] = static_cast<double>(region.GetIndex(axis)) * image.GetSpacing()[axis];
    }
    return offset;
  }();
  for (unsigned axis = 0; axis < 3; ++axis) {
    geometry.size[axis] = region.GetSize(axis);
    geometry.spacing[axis] = image.GetSpacing()[axis];
    geometry.origin[axis] = firstVoxel[axis];
    for (unsigned column = 0; column < 3; ++column) {
      geometry.direction[axis * 3 + column] = image.GetDirection()(axis, column);
    }
  }
  return geometry;
}

namespace {

template <typename TImage>
typename TImage::Pointer makeImage(const ImageGeometry& geometry, typename TImage::PixelType fill) {
  auto image = TImage::New();
  typename TImage::SizeType size;
  typename TImage::SpacingType spacing;
  typename TImage::PointType origin;
  typename TImage::DirectionType direction;
  for (unsigned axis = 0; axis < 3; ++axis) {
    size[axis] = geometry.size[axis];
    spacing[axis] = geometry.spacing[axis];
    origin[axis] = geometry.origin[axis];
    for (unsigned column = 0; column < 3; ++column) {
      direction(axis, column) = geometry.direction[axis * 3 + column];
    }
  }
  image->SetRegions(typename TImage::RegionType(size));
  image->SetSpacing(spacing);
  image->SetOrigin(origin);
  image->SetDirection(direction);
  image->Allocate();
  image->FillBuffer(fill);
  return image;
}

}  // namespace

FloatImage::Pointer makeFloatImage(const ImageGeometry& geometry, float fill) {
  return makeImage<FloatImage>(geometry, fill);
}

LabelImage::Pointer makeLabelImage(const ImageGeometry& geometry, LabelValue fill) {
  return makeImage<LabelImage>(geometry, fill);
}

}  // namespace skipseg::preprocessing
