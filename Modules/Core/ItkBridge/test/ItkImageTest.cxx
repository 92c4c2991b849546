// The one ITK bridge: an image's grid survives the trip to ImageGeometry and back, oblique and with a
// negative determinant, and a region that does not start at index 0 moves the origin to its first voxel.
#include "skipseg/itkbridge/ItkImage.h"

#include <gtest/gtest.h>

#include <cmath>

namespace skipseg {
namespace {

ImageGeometry obliqueGeometry() {
  ImageGeometry geometry;
  geometry.size = {7, 5, 4};
  geometry.spacing = {0.75, 1.25, 3.0};
  geometry.origin = {-12.5, 30.25, 101.0};
  const double a = 0.3;
  // A rotation about z with the j axis running backwards: oblique, determinant -1.
  geometry.direction = {std::cos(a), std::sin(a), 0, std::sin(a), -std::cos(a), 0, 0, 0, 1};
  return geometry;
}

TEST(ItkBridge, GeometrySurvivesTheTripThroughAnItkImage) {
  const ImageGeometry geometry = obliqueGeometry();
  const LabelImage::Pointer labels = makeLabelImage(geometry, 7);
  EXPECT_TRUE(geometryOf(*labels).sameGrid(geometry, 1e-12)) << geometryOf(*labels).describe();
  EXPECT_TRUE(geometryOf(labels.GetPointer()).sameGrid(geometry, 1e-12));
  EXPECT_EQ(labels->GetPixel({{6, 4, 3}}), 7);
  const FloatImage::Pointer image = makeFloatImage(geometry, 2.5f);
  EXPECT_TRUE(geometryOf(*image).sameGrid(geometry, 1e-12));
  EXPECT_EQ(image->GetPixel({{0, 0, 0}}), 2.5f);
}

TEST(ItkBridge, RegionNotStartingAtZeroMovesTheOriginToItsFirstVoxel) {
  const ImageGeometry geometry = obliqueGeometry();
  FloatImage::Pointer image = makeFloatImage(geometry);
  FloatImage::RegionType region = image->GetLargestPossibleRegion();
  region.SetIndex({{2, 1, 3}});
  image->SetRegions(region);
  itk::Point<double, 3> firstVoxel;
  image->TransformIndexToPhysicalPoint(region.GetIndex(), firstVoxel);
  const ImageGeometry moved = geometryOf(*image);
  for (unsigned axis = 0; axis < 3; ++axis) {
    EXPECT_NEAR(moved.origin[axis], firstVoxel[axis], 1e-12);
    EXPECT_NE(moved.origin[axis], geometry.origin[axis]);
  }
  EXPECT_EQ(moved.size, geometry.size);
}

}  // namespace
}  // namespace skipseg
