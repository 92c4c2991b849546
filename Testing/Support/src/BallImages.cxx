#include "skipseg/testing/BallImages.h"

#include <itkImageRegionIteratorWithIndex.h>

#include <cmath>

namespace skipseg::testing {

ImageGeometry Grid::geometry() const {
  ImageGeometry geometry;
  for (unsigned axis = 0; axis < 3; ++axis) {
    geometry.size[axis] = size[axis];
  }
  geometry.spacing = spacing;
  geometry.origin = origin;
  geometry.direction = direction;
  return geometry;
}

LabelImage::Pointer makeLabelImage(const Grid& grid) {
  return skipseg::makeLabelImage(grid.geometry());
}

FloatImage::Pointer makeFloatImage(const Grid& grid, float fill) {
  return skipseg::makeFloatImage(grid.geometry(), fill);
}

void paintBall(LabelImage& image, const std::array<double, 3>& centre, double radius, unsigned short label) {
  itk::ImageRegionIteratorWithIndex<LabelImage> it(&image, image.GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    LabelImage::PointType point;
    image.TransformIndexToPhysicalPoint(it.GetIndex(), point);
    const double dx = point[0] - centre[0], dy = point[1] - centre[1], dz = point[2] - centre[2];
    if (dx * dx + dy * dy + dz * dz <= radius * radius) {
      it.Set(label);
    }
  }
}

std::array<double, 3> gridCentre(const itk::ImageBase<3>& image) {
  const auto size = image.GetLargestPossibleRegion().GetSize();
  itk::ContinuousIndex<double, 3> index;
  for (unsigned axis = 0; axis < 3; ++axis) {
    index[axis] = (static_cast<double>(size[axis]) - 1.0) / 2.0;
  }
  itk::Point<double, 3> point;
  image.TransformContinuousIndexToPhysicalPoint(index, point);
  return {point[0], point[1], point[2]};
}

std::array<double, 9> rotation(const std::array<double, 3>& axis, double degrees) {
  const double angle = degrees * std::acos(-1.0) / 180.0;
  const double c = std::cos(angle), s = std::sin(angle), t = 1 - c;
  const double x = axis[0], y = axis[1], z = axis[2];
  return {t * x * x + c,     t * x * y - s * z, t * x * z + s * y,  //
          t * x * y + s * z, t * y * y + c,     t * y * z - s * x,  //
          t * x * z - s * y, t * y * z + s * x, t * z * z + c};
}

}  // namespace skipseg::testing
