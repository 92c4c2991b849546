#include "SphereImages.h"

#include "skipseg/evaluation/SurfaceDistance.h"

#include <itkImageRegionIteratorWithIndex.h>

#include <cmath>

namespace skipseg::evaluation::testing {
namespace {

template <typename Image>
typename Image::Pointer allocate(const Grid& grid) {
  auto image = Image::New();
  typename Image::RegionType region;
  typename Image::SpacingType spacing;
  typename Image::PointType origin;
  typename Image::DirectionType direction;
  for (unsigned axis = 0; axis < 3; ++axis) {
    region.SetSize(axis, grid.size[axis]);
    spacing[axis] = grid.spacing[axis];
    origin[axis] = grid.origin[axis];
    for (unsigned column = 0; column < 3; ++column) {
      direction[axis][column] = grid.direction[axis * 3 + column];
    }
  }
  image->SetRegions(region);
  image->SetSpacing(spacing);
  image->SetOrigin(origin);
  image->SetDirection(direction);
  image->Allocate(true);
  return image;
}

}  // namespace

LabelImage::Pointer makeLabelImage(const Grid& grid) {
  return allocate<LabelImage>(grid);
}

FloatImage::Pointer makeFloatImage(const Grid& grid, float fill) {
  auto image = allocate<FloatImage>(grid);
  image->FillBuffer(fill);
  return image;
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

SphereDistances analyticSphereDistances(double radius, double offset, double tolerance) {
  // A point of sphere A at polar angle theta (from the offset axis) lies at
  // sqrt(r^2 + d^2 - 2 r d cos(theta)) from B's centre; its distance to B's sphere is |that - r|.
  const int samples = 200001;
  std::vector<double> distances;
  distances.reserve(samples);
  for (int index = 0; index < samples; ++index) {
    const double u = -1.0 + 2.0 * index / (samples - 1);
    distances.push_back(std::abs(std::sqrt(radius * radius + offset * offset - 2 * radius * offset * u) - radius));
  }
  SphereDistances result{};
  double sum = 0;
  int within = 0;
  for (const double distance : distances) {
    result.hausdorff = std::max(result.hausdorff, distance);
    sum += distance;
    within += distance <= tolerance ? 1 : 0;
  }
  result.mean = sum / samples;
  result.fractionWithin = static_cast<double>(within) / samples;
  result.hausdorff95 = percentile(distances, 95);
  return result;
}

double analyticSphereDice(double radius, double offset) {
  const double pi = std::acos(-1.0);
  const double lens = pi * (4 * radius + offset) * (2 * radius - offset) * (2 * radius - offset) / 12.0;
  const double ball = 4.0 / 3.0 * pi * radius * radius * radius;
  return lens / ball;
}

}  // namespace skipseg::evaluation::testing
