#include "skipseg/itkbridge/ItkImage.h"

namespace skipseg {

ImageGeometry geometryOf(const itk::ImageBase<3>& image) {
  ImageGeometry geometry;
  const auto region = image.GetLargestPossibleRegion();
  itk::Point<double, 3> firstVoxel;
  image.TransformIndexToPhysicalPoint(region.GetIndex(), firstVoxel);
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

namespace {

template <typename TImage>
typename TImage::Pointer makeImage(const ImageGeometry& geometry, typename TImage::PixelType fill) {
  auto image = TImage::New();
  applyGeometry(geometry, image);
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

}  // namespace skipseg
