// Tile placement: every voxel covered, neighbours overlapping by at least the requested share,
// tiles spread evenly between the two ends (nnU-Net's rule).
#include "skipseg/inference/TileGrid.h"

#include "skipseg/core/Error.h"

#include <gtest/gtest.h>

namespace skipseg::inference {
namespace {

TEST(TileGrid, TheBenchmarkAxisGetsFiveEvenlySpacedTiles) {
  // 244 voxels, 96 patch, overlap 0.5: ceil(148 / 48) + 1 = 5 tiles, 37 apart.
  EXPECT_EQ(tileStarts(244, 96, 0.5), (std::vector<int64_t>{0, 37, 74, 111, 148}));
}

TEST(TileGrid, StartsCoverTheAxisWithTheRequestedOverlap) {
  for (const double overlap : {0.0, 0.25, 0.5, 0.75}) {
    for (int64_t size = 1; size < 130; size += 7) {
      const int64_t patch = 24;
      const auto starts = tileStarts(size, patch, overlap);
      ASSERT_EQ(starts.front(), 0);
      EXPECT_EQ(starts.back() + patch, std::max(size, patch)) << size << " " << overlap;
      for (std::size_t t = 1; t < starts.size(); ++t) {
        // Neighbours share at least overlap * patch voxels (up to rounding).
        EXPECT_LE(starts[t] - starts[t - 1], static_cast<int64_t>(patch * (1.0 - overlap)) + 1);
        EXPECT_GT(starts[t], starts[t - 1]);
      }
    }
  }
}

TEST(TileGrid, ShortAxesGetOneTile) {
  EXPECT_EQ(tileStarts(10, 96, 0.5), std::vector<int64_t>{0});
  EXPECT_EQ(tileStarts(96, 96, 0.5), std::vector<int64_t>{0});
  EXPECT_EQ(tileStarts(100, 50, 0.0), (std::vector<int64_t>{0, 50}));
}

TEST(TileGrid, OriginsAreTheProductOfTheAxes) {
  const auto origins = tileOrigins({244, 202, 224}, {96, 96, 96}, 0.5);
  EXPECT_EQ(origins.size(), 5u * 4u * 4u);  // 80 tiles: the benchmark's grid
  EXPECT_EQ(origins.front(), (std::vector<int64_t>{0, 0, 0}));
  EXPECT_EQ(origins.back(), (std::vector<int64_t>{148, 106, 128}));
  EXPECT_EQ(origins[1], (std::vector<int64_t>{0, 0, 43}));  // last axis fastest
}

TEST(TileGrid, RejectsAnOverlapOutsideZeroToOne) {
  EXPECT_THROW(tileStarts(100, 10, 1.0), Error);
  EXPECT_THROW(tileStarts(100, 10, -0.1), Error);
}

}  // namespace
}  // namespace skipseg::inference
