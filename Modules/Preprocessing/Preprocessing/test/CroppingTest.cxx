#include <gtest/gtest.h>

#include "GridTestHelpers.h"
#include "skipseg/preprocessing/Cropping.h"

namespace skipseg::preprocessing {
namespace {

using testing::centreOf;
using testing::distance;
using testing::makeGrid;
using testing::obliqueDirection;
using testing::permuted;

const ImageGeometry kGrid = makeGrid({{20, 16, 12}}, {{0.7, 0.9, 3.0}}, {{-100.0, 50.0, 20.0}},
                                     permuted(obliqueDirection(30.0), {{1, 2, 0}}, 2));

/// Zero everywhere except the box [4, 9] x [3, 12] x [2, 5], which holds distinct values 1, 2, 3, ...
FloatImage::Pointer bodyInAir() {
  auto image = makeFloatImage(kGrid);
  float next = 1;
  for (std::size_t k = 2; k <= 5; ++k) {
    for (std::size_t j = 3; j <= 12; ++j) {
      for (std::size_t i = 4; i <= 9; ++i) {
        image->GetBufferPointer()[(k * kGrid.size[1] + j) * kGrid.size[0] + i] = next++;
      }
    }
  }
  return image;
}

TEST(NonZeroRegion, IsTheBoundingBoxOfNonZeroVoxels) {
  const CropRegion region = nonZeroRegion(*bodyInAir());
  EXPECT_EQ(region.index, (std::array<std::size_t, 3>{{4, 3, 2}}));
  EXPECT_EQ(region.size, (std::array<std::size_t, 3>{{6, 10, 4}}));
  EXPECT_FALSE(region.coversWhole());
}

TEST(NonZeroRegion, MarginGrowsTheBoxWithinTheImage) {
  NonZeroOptions options;
  options.marginVoxels = 3;
  const CropRegion region = nonZeroRegion(*bodyInAir(), options);
  EXPECT_EQ(region.index, (std::array<std::size_t, 3>{{1, 0, 0}}));
  EXPECT_EQ(region.size, (std::array<std::size_t, 3>{{12, 16, 9}}));  // j: 0..15 (clamped), k: 0..8
}

TEST(NonZeroRegion, ThresholdKeepsOnlyBrighterVoxels) {
  NonZeroOptions options;
  options.threshold = 239.0f;  // values 1..240: only the last voxel, (9, 12, 5), is above
  const CropRegion region = nonZeroRegion(*bodyInAir(), options);
  EXPECT_EQ(region.index, (std::array<std::size_t, 3>{{9, 12, 5}}));
  EXPECT_EQ(region.size, (std::array<std::size_t, 3>{{1, 1, 1}}));
}

TEST(NonZeroRegion, AnEmptyImageKeepsEverything) {
  EXPECT_TRUE(nonZeroRegion(*makeFloatImage(kGrid)).coversWhole());
}

TEST(Crop, KeepsTheVoxelsInPlaceInTheWorld) {
  const auto image = bodyInAir();
  const CropRegion region = nonZeroRegion(*image);
  const auto cropped = crop(*image, region);
  const ImageGeometry grid = geometryOf(*cropped);
  EXPECT_EQ(grid.size, region.size);
  EXPECT_EQ(grid.direction, kGrid.direction);
  EXPECT_EQ(grid.spacing, kGrid.spacing);
  // The cropped volume's voxel (0, 0, 0) is the original voxel (4, 3, 2), at the same world position.
  EXPECT_LT(distance(centreOf(grid, 0, 0, 0), centreOf(kGrid, 4, 3, 2)), 1e-9);
  EXPECT_LT(distance(centreOf(grid, 5, 9, 3), centreOf(kGrid, 9, 12, 5)), 1e-9);
  EXPECT_EQ(cropped->GetBufferPointer()[0], 1.0f);
  EXPECT_EQ(cropped->GetBufferPointer()[grid.voxelCount() - 1], 240.0f);
}

TEST(Crop, UncropRestoresTheImageExactly) {
  const auto image = bodyInAir();
  const CropRegion region = nonZeroRegion(*image);
  const auto restored = uncrop(*crop(*image, region), region);
  EXPECT_TRUE(geometryOf(*restored).sameGrid(kGrid, 0.0));
  EXPECT_TRUE(std::equal(image->GetBufferPointer(), image->GetBufferPointer() + kGrid.voxelCount(),
                         restored->GetBufferPointer()));
}

TEST(Crop, UncroppedLabelsGetTheBackgroundOutside) {
  const CropRegion region = nonZeroRegion(*bodyInAir());
  auto labels = makeLabelImage(region.croppedGeometry(), 3);
  const auto full = uncrop(*labels, region, 0);
  std::size_t labelled = 0;
  for (std::size_t voxel = 0; voxel < kGrid.voxelCount(); ++voxel) {
    labelled += full->GetBufferPointer()[voxel] == 3 ? 1 : 0;
  }
  EXPECT_EQ(labelled, 6u * 10u * 4u);
  EXPECT_EQ(full->GetBufferPointer()[(2 * kGrid.size[1] + 3) * kGrid.size[0] + 4], 3);
  EXPECT_EQ(full->GetBufferPointer()[(2 * kGrid.size[1] + 3) * kGrid.size[0] + 3], 0);
}

TEST(Crop, UnionCoversBothRegions) {
  CropRegion first = CropRegion::whole(kGrid);
  first.index = {{2, 2, 2}};
  first.size = {{3, 3, 3}};
  CropRegion second = first;
  second.index = {{6, 1, 4}};
  second.size = {{2, 2, 2}};
  const CropRegion both = unionOf(first, second);
  EXPECT_EQ(both.index, (std::array<std::size_t, 3>{{2, 1, 2}}));
  EXPECT_EQ(both.size, (std::array<std::size_t, 3>{{6, 4, 4}}));
}

}  // namespace
}  // namespace skipseg::preprocessing
