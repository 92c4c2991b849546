#include <gtest/gtest.h>

#include <cmath>

#include "GridTestHelpers.h"
#include "skipseg/core/Error.h"
#include "skipseg/preprocessing/BackMapping.h"
#include "skipseg/preprocessing/Resampling.h"

namespace skipseg::preprocessing {
namespace {

using testing::centreOf;
using testing::distance;
using testing::makeGrid;
using testing::obliqueDirection;
using testing::permuted;

const std::array<double, 3> kCentre{{12.0, -30.0, 45.0}};

/// A grid of `size` and `spacing` whose field of view is centred on kCentre.
ImageGeometry centredGrid(std::array<std::size_t, 3> size, std::array<double, 3> spacing,
                          std::array<double, 9> direction) {
  ImageGeometry grid = makeGrid(size, spacing, {{0, 0, 0}}, direction);
  const auto middle = grid.indexToPhysical({{(size[0] - 1) / 2.0, (size[1] - 1) / 2.0, (size[2] - 1) / 2.0}});
  for (int axis = 0; axis < 3; ++axis) {
    grid.origin[axis] = kCentre[axis] - middle[axis];
  }
  return grid;
}

// The model's grid: resampled, oblique, axes permuted and one flipped (as after reorientation).
const ImageGeometry kModel =
    centredGrid({{14, 11, 9}}, {{1.5, 2.0, 1.7}}, permuted(obliqueDirection(35.0), {{2, 0, 1}}, 0));
// The scan's grid: finer, another obliquity, larger than the model's field of view on some axes.
const ImageGeometry kNative = centredGrid({{31, 27, 19}}, {{0.9, 0.8, 1.3}}, obliqueDirection(-8.0));

/// Smooth, non-trivial class scores: a few plane waves in world space, one per class.
VoxelBuffer wavyScores(const ImageGeometry& grid, std::size_t classes) {
  VoxelBuffer scores(grid, classes);
  for (std::size_t c = 0; c < classes; ++c) {
    for (std::size_t k = 0; k < grid.size[2]; ++k) {
      for (std::size_t j = 0; j < grid.size[1]; ++j) {
        for (std::size_t i = 0; i < grid.size[0]; ++i) {
          const auto p = centreOf(grid, i, j, k);
          const double phase = 0.21 * (c + 1) * p[0] - 0.17 * p[1] * (c % 2 ? 1 : -1) + 0.13 * p[2] + 1.3 * c;
          scores.at(c, i, j, k) = static_cast<float>(std::sin(phase) + 0.1 * std::cos(0.05 * p[0] * p[1] / 10.0));
        }
      }
    }
  }
  return scores;
}

std::size_t differences(const LabelImage& first, const LabelImage& second) {
  const std::size_t count = first.GetBufferedRegion().GetNumberOfPixels();
  std::size_t different = 0;
  for (std::size_t voxel = 0; voxel < count; ++voxel) {
    different += first.GetBufferPointer()[voxel] != second.GetBufferPointer()[voxel] ? 1 : 0;
  }
  return different;
}

TEST(BackMapping, MemoryBoundedPathGivesTheDirectPathsLabels) {
  const VoxelBuffer scores = wavyScores(kModel, 4);
  const std::vector<LabelValue> ids{0, 3, 7, 12};
  const auto direct = mapScoresToNativeLabelsDirect(scores, kNative, ids);
  std::array<std::size_t, 13> counts{};
  for (std::size_t voxel = 0; voxel < kNative.voxelCount(); ++voxel) {
    ++counts[direct->GetBufferPointer()[voxel]];
  }
  // The case exercises every class and the outside of the model grid.
  for (LabelValue id : ids) {
    EXPECT_GT(counts[id], 100u) << "label " << id;
  }
  for (std::size_t slab : {1, 4, 50}) {
    for (unsigned threads : {1u, 3u}) {
      BackMappingOptions options;
      options.slabSlices = slab;
      options.threads = threads;
      const auto bounded = mapScoresToNativeLabels(scores, kNative, ids, options);
      EXPECT_TRUE(geometryOf(*bounded).sameGrid(kNative, 0.0));
      EXPECT_EQ(differences(*bounded, *direct), 0u) << "slabs of " << slab << ", " << threads << " threads";
    }
  }
}

TEST(BackMapping, OutsideTheModelGridIsBackground) {
  // A model grid covering only the middle of the scan, scoring class 1 everywhere.
  const ImageGeometry small = centredGrid({{4, 4, 4}}, {{2, 2, 2}}, obliqueDirection(0.0));
  VoxelBuffer scores(small, 2, 0.0f);
  std::fill(scores.values.begin() + static_cast<long>(small.voxelCount()), scores.values.end(), 1.0f);
  BackMappingOptions options;
  options.background = 9;
  const auto labels = mapScoresToNativeLabels(scores, kNative, {0, 1}, options);
  for (std::size_t k = 0; k < kNative.size[2]; ++k) {
    for (std::size_t j = 0; j < kNative.size[1]; ++j) {
      for (std::size_t i = 0; i < kNative.size[0]; ++i) {
        const auto p = centreOf(kNative, i, j, k);
        // Inside the 8 mm cube centred on kCentre (axis-aligned model grid, half-width 4 mm).
        const bool inside = std::abs(p[0] - kCentre[0]) < 4 - 1e-6 && std::abs(p[1] - kCentre[1]) < 4 - 1e-6 &&
                            std::abs(p[2] - kCentre[2]) < 4 - 1e-6;
        const bool outside = std::abs(p[0] - kCentre[0]) > 4 + 1e-6 || std::abs(p[1] - kCentre[1]) > 4 + 1e-6 ||
                             std::abs(p[2] - kCentre[2]) > 4 + 1e-6;
        const LabelValue label = labels->GetBufferPointer()[(k * kNative.size[1] + j) * kNative.size[0] + i];
        if (inside) {
          ASSERT_EQ(label, 1);
        } else if (outside) {
          ASSERT_EQ(label, 9);
        }
      }
    }
  }
}

TEST(BackMapping, ASphereLandsOnTheSameWorldPositions) {
  // Class 1 scores above class 0 within 6 mm of kCentre, in the oblique, permuted model grid.
  const double radius = 6.0;
  VoxelBuffer scores(kModel, 2, 0.5f);
  for (std::size_t k = 0; k < kModel.size[2]; ++k) {
    for (std::size_t j = 0; j < kModel.size[1]; ++j) {
      for (std::size_t i = 0; i < kModel.size[0]; ++i) {
        scores.at(1, i, j, k) = static_cast<float>(1.0 - 0.5 * distance(centreOf(kModel, i, j, k), kCentre) / radius);
      }
    }
  }
  const auto labels = mapScoresToNativeLabels(scores, kNative, {0, 5});
  std::size_t inside = 0;
  for (std::size_t k = 0; k < kNative.size[2]; ++k) {
    for (std::size_t j = 0; j < kNative.size[1]; ++j) {
      for (std::size_t i = 0; i < kNative.size[0]; ++i) {
        const double r = distance(centreOf(kNative, i, j, k), kCentre);
        const LabelValue label = labels->GetBufferPointer()[(k * kNative.size[1] + j) * kNative.size[0] + i];
        // Interpolating a cone between voxel centres moves its level set by well under a model voxel.
        if (r < radius - 1.0) {
          ASSERT_EQ(label, 5) << "at " << r << " mm";
          ++inside;
        } else if (r > radius + 1.0) {
          ASSERT_EQ(label, 0) << "at " << r << " mm";
        }
      }
    }
  }
  EXPECT_GT(inside, 100u);
}

TEST(BackMapping, ProbabilitiesOnTheNativeGridMatchItkLinearResampling) {
  const VoxelBuffer scores = wavyScores(kModel, 3);
  const std::vector<LabelValue> ids{0, 1, 2};
  const VoxelBuffer native = mapScoresToNativeGrid(scores, kNative, ids);
  ASSERT_EQ(native.channels, 3u);
  EXPECT_TRUE(native.geometry.sameGrid(kNative, 0.0));
  auto channelImage = makeFloatImage(kModel);
  for (std::size_t c = 0; c < 3; ++c) {
    std::copy_n(scores.channel(c), kModel.voxelCount(), channelImage->GetBufferPointer());
    channelImage->Modified();
    const auto reference = resampleOntoGrid(*channelImage, kNative, Interpolation::Linear, c == 0 ? 1.0f : 0.0f);
    for (std::size_t voxel = 0; voxel < kNative.voxelCount(); ++voxel) {
      ASSERT_NEAR(native.channel(c)[voxel], reference->GetBufferPointer()[voxel], 1e-5) << "channel " << c;
    }
  }
}

TEST(BackMapping, NeedsOneLabelIdPerChannel) {
  const VoxelBuffer scores(kModel, 3);
  EXPECT_THROW(mapScoresToNativeLabels(scores, kNative, {0, 1}), Error);
}

}  // namespace
}  // namespace skipseg::preprocessing
