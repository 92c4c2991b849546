#include "skipseg/core/VoxelBuffer.h"

#include <gtest/gtest.h>

namespace {

TEST(VoxelBuffer, IndexToPhysicalUsesDirectionColumnsAndSpacing) {
  skipseg::ImageGeometry geometry;
  geometry.size = {4, 5, 6};
  geometry.spacing = {0.5, 2.0, 3.0};
  geometry.origin = {10, 20, 30};
  // i runs along -x, j along +z, k along +y: a permuted, flipped frame.
  geometry.direction = {-1, 0, 0, 0, 0, 1, 0, 1, 0};
  const auto point = geometry.indexToPhysical({2, 1, 1});
  EXPECT_DOUBLE_EQ(point[0], 10 - 1.0);
  EXPECT_DOUBLE_EQ(point[1], 20 + 3.0);
  EXPECT_DOUBLE_EQ(point[2], 30 + 2.0);
}

TEST(VoxelBuffer, LayoutIsChannelMajorWithIFastest) {
  skipseg::ImageGeometry geometry;
  geometry.size = {3, 2, 2};
  skipseg::VoxelBuffer buffer(geometry, 2);
  buffer.at(1, 2, 1, 0) = 7.0f;
  EXPECT_EQ(buffer.values[12 + (0 * 2 + 1) * 3 + 2], 7.0f);
  EXPECT_EQ(buffer.channel(1)[5], 7.0f);
}

TEST(VoxelBuffer, SameGridDetectsShiftedOrigin) {
  skipseg::ImageGeometry a;
  a.size = {2, 2, 2};
  skipseg::ImageGeometry b = a;
  EXPECT_TRUE(a.sameGrid(b));
  b.origin[2] += 0.01;
  EXPECT_FALSE(a.sameGrid(b));
}

}  // namespace
