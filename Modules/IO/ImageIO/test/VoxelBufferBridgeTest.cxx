#include "SyntheticImages.h"
#include "skipseg/io/Geometry.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace skipseg::io {
namespace {

TEST(VoxelBufferBridge, ImageToBufferAndBackKeepsGeometryAndVoxelOrder) {
  const ImageGeometry geometry = testing::syntheticGeometry(testing::obliqueNegativeStepDirection());
  const auto image = testing::makeFloatImage(geometry);
  const VoxelBuffer buffer = toVoxelBuffer(image);
  EXPECT_TRUE(buffer.geometry.sameGrid(geometry, 1e-12));
  ASSERT_EQ(buffer.channels, 1u);
  // i fastest: voxel (3, 2, 1) holds 3 + 10*2 + 100*1 + 0.25 in both.
  EXPECT_EQ(buffer.at(0, 3, 2, 1), 123.25f);
  EXPECT_EQ(buffer.at(0, 3, 2, 1), image->GetPixel({{3, 2, 1}}));
  const auto back = fromVoxelBuffer(buffer);
  EXPECT_TRUE(geometryOf(back).sameGrid(geometry, 1e-12));
  EXPECT_TRUE(std::equal(buffer.values.begin(), buffer.values.end(), back->GetBufferPointer()));
}

TEST(VoxelBufferBridge, ChannelIsChosenAndGeometryIsApplied) {
  const ImageGeometry geometry = testing::syntheticGeometry({{0, 1, 0, -1, 0, 0, 0, 0, 1}});
  VoxelBuffer buffer(geometry, 2, 0.0f);
  std::fill(buffer.values.begin() + static_cast<long>(geometry.voxelCount()), buffer.values.end(), 7.0f);
  const auto second = fromVoxelBuffer(buffer, 1);
  EXPECT_EQ(second->GetPixel({{6, 4, 3}}), 7.0f);
  itk::Point<double, 3> point;
  second->TransformIndexToPhysicalPoint({{1, 2, 3}}, point);
  const auto expected = geometry.indexToPhysical({{1, 2, 3}});
  for (int axis = 0; axis < 3; ++axis) {
    EXPECT_NEAR(point[axis], expected[axis], 1e-12);
  }
}

}  // namespace
}  // namespace skipseg::io
