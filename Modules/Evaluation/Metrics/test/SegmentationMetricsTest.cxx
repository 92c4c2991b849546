#include "SphereImages.h"

#include "skipseg/evaluation/GridMatching.h"
#include "skipseg/evaluation/SegmentationMetrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using namespace skipseg::evaluation;
using namespace skipseg::evaluation::testing;

constexpr double radius = 10.0;    // mm
constexpr double offset = 3.0;     // mm, along the first physical axis
constexpr double tolerance = 1.0;  // mm, surface Dice tolerance

struct SpherePair {
  LabelImage::Pointer reference, prediction;
};

SpherePair offsetSpheres(const Grid& grid) {
  SpherePair pair{makeLabelImage(grid), makeLabelImage(grid)};
  const auto centre = gridCentre(*pair.reference);
  paintBall(*pair.reference, {centre[0] - offset / 2, centre[1], centre[2]}, radius, 1);
  paintBall(*pair.prediction, {centre[0] + offset / 2, centre[1], centre[2]}, radius, 1);
  return pair;
}

double largestSpacing(const Grid& grid) {
  return std::max({grid.spacing[0], grid.spacing[1], grid.spacing[2]});
}

// Voxelisation error bounds. Boundary voxel centres lie within one voxel step of the true sphere
// (inside the ball, with a neighbour outside), and the nearest boundary voxel of the other sphere
// is within half a voxel diagonal of any surface point: a single distance (Hausdorff, HD95) can be
// off by about one largest spacing h. ASSD and surface Dice are averages over boundary voxels, whose
// density per unit area varies with the surface's orientation (up to sqrt(3)), so they weight the
// sphere unevenly against the area-uniform analytic value: measured 0.23 mm ASSD (0.29 h) and 0.12
// surface Dice at h = 0.8 mm; the bounds are 0.4 h and 0.15.
void expectAnalyticAgreement(const Grid& grid) {
  const auto pair = offsetSpheres(grid);
  MetricOptions options;
  options.surfaceTolerance = tolerance;
  const auto metrics = compareLabels(*pair.reference, *pair.prediction, {1}, options);
  ASSERT_EQ(metrics.size(), 1u);
  const auto& m = metrics[0];
  const double h = largestSpacing(grid);
  const auto expected = analyticSphereDistances(radius, offset, tolerance);

  // Counting voxels measures volume with an error of a few tenths of a percent at 10 mm radius.
  EXPECT_NEAR(m.dice, analyticSphereDice(radius, offset), 0.01);
  const double ballVolume = 4.0 / 3.0 * std::acos(-1.0) * radius * radius * radius;
  EXPECT_NEAR(m.referenceVolume, ballVolume, 0.02 * ballVolume);
  EXPECT_NEAR(m.volumeDifference, 0.0, 0.02 * ballVolume);
  EXPECT_NEAR(m.precision, m.recall, 0.02);
  EXPECT_NEAR(m.iou, m.dice / (2 - m.dice), 1e-12);  // IoU and Dice are tied: J = D / (2 - D)
  EXPECT_NEAR(m.hausdorff, expected.hausdorff, h);
  EXPECT_NEAR(m.hausdorff95, expected.hausdorff95, h);
  EXPECT_LE(m.hausdorff95, m.hausdorff);
  EXPECT_NEAR(m.assd, expected.mean, 0.4 * h);
  EXPECT_NEAR(m.surfaceDice, expected.fractionWithin, 0.15);
  // Every boundary voxel lies within the Hausdorff distance of the other surface.
  options.surfaceTolerance = m.hausdorff + 1e-6;
  EXPECT_DOUBLE_EQ(compareLabels(*pair.reference, *pair.prediction, {1}, options)[0].surfaceDice, 1.0);
}

TEST(SegmentationMetrics, OffsetSpheresMatchAnalyticValuesOnIsotropicGrid) {
  Grid grid;
  grid.size = {56, 56, 56};
  grid.spacing = {0.5, 0.5, 0.5};
  expectAnalyticAgreement(grid);
}

TEST(SegmentationMetrics, OffsetSpheresMatchAnalyticValuesOnAnisotropicGrid) {
  Grid grid;
  grid.size = {70, 56, 35};
  grid.spacing = {0.4, 0.5, 0.8};
  grid.origin = {-12.0, 30.0, 100.0};
  expectAnalyticAgreement(grid);
}

TEST(SegmentationMetrics, OffsetAlongTheCoarseAxisIsMeasuredInMillimetres) {
  // The same physical offset along a 2 mm axis: distances must stay in mm, not voxels.
  Grid grid;
  grid.size = {60, 60, 20};
  grid.spacing = {0.5, 0.5, 2.0};
  auto reference = makeLabelImage(grid);
  auto prediction = makeLabelImage(grid);
  const auto centre = gridCentre(*reference);
  paintBall(*reference, {centre[0], centre[1], centre[2] - 2.0}, radius, 1);
  paintBall(*prediction, {centre[0], centre[1], centre[2] + 2.0}, radius, 1);
  const auto m = compareLabels(*reference, *prediction, {1})[0];
  EXPECT_NEAR(m.hausdorff, 4.0, 2.0);  // one voxel of 2 mm either way
  EXPECT_GT(m.hausdorff, 2.5);         // a voxel-unit result (2 voxels) would read 2
}

TEST(SegmentationMetrics, DirectionAndOriginDoNotChangeMetrics) {
  Grid grid;
  grid.size = {50, 50, 50};
  grid.spacing = {0.6, 0.6, 0.6};
  const auto plain = compareLabels(*offsetSpheres(grid).reference, *offsetSpheres(grid).prediction, {1})[0];
  grid.direction = {0, 0, 1, 1, 0, 0, 0, 1, 0};  // permuted axes
  grid.origin = {40, -7, 3};
  const auto pair = offsetSpheres(grid);
  const auto permuted = compareLabels(*pair.reference, *pair.prediction, {1})[0];
  EXPECT_NEAR(permuted.dice, plain.dice, 0.01);
  EXPECT_NEAR(permuted.hausdorff95, plain.hausdorff95, 0.61);
  EXPECT_NEAR(permuted.assd, plain.assd, 0.1);
}

TEST(SegmentationMetrics, IdenticalStructuresArePerfect) {
  Grid grid;
  grid.size = {30, 30, 30};
  auto image = makeLabelImage(grid);
  paintBall(*image, gridCentre(*image), 8, 3);
  const auto m = compareLabels(*image, *image, {})[0];
  EXPECT_EQ(m.label, 3);
  EXPECT_DOUBLE_EQ(m.dice, 1.0);
  EXPECT_DOUBLE_EQ(m.iou, 1.0);
  EXPECT_DOUBLE_EQ(m.hausdorff, 0.0);
  EXPECT_DOUBLE_EQ(m.hausdorff95, 0.0);
  EXPECT_DOUBLE_EQ(m.assd, 0.0);
  EXPECT_DOUBLE_EQ(m.surfaceDice, 1.0);
}

TEST(SegmentationMetrics, OneVoxelShiftGivesOneSpacingHausdorff) {
  Grid grid;
  grid.size = {20, 20, 20};
  grid.spacing = {0.7, 1.3, 2.1};
  auto reference = makeLabelImage(grid);
  auto prediction = makeLabelImage(grid);
  for (unsigned k = 5; k < 15; ++k) {
    for (unsigned j = 5; j < 15; ++j) {
      for (unsigned i = 5; i < 15; ++i) {
        reference->SetPixel({{i, j, k}}, 1);
        prediction->SetPixel({{i, j, k + 1}}, 1);  // shifted one voxel along k (2.1 mm)
      }
    }
  }
  const auto m = compareLabels(*reference, *prediction, {1})[0];
  EXPECT_NEAR(m.hausdorff, 2.1, 1e-5);
  EXPECT_NEAR(m.dice, 0.9, 1e-12);  // 900 of 1000 voxels shared
  EXPECT_NEAR(m.precision, 0.9, 1e-12);
  EXPECT_NEAR(m.recall, 0.9, 1e-12);
}

TEST(SegmentationMetrics, BothEmptyFollowsTheChosenConvention) {
  Grid grid;
  grid.size = {10, 10, 10};
  auto empty = makeLabelImage(grid);
  const auto undefined = compareLabels(*empty, *empty, {4})[0];
  EXPECT_TRUE(std::isnan(undefined.dice));
  EXPECT_TRUE(std::isnan(undefined.hausdorff95));
  EXPECT_TRUE(std::isnan(undefined.surfaceDice));
  EXPECT_EQ(undefined.referenceVolume, 0.0);

  MetricOptions perfect;
  perfect.bothEmpty = BothEmpty::Perfect;
  const auto one = compareLabels(*empty, *empty, {4}, perfect)[0];
  EXPECT_EQ(one.dice, 1.0);
  EXPECT_EQ(one.iou, 1.0);
  EXPECT_EQ(one.hausdorff, 0.0);
  EXPECT_EQ(one.surfaceDice, 1.0);
}

TEST(SegmentationMetrics, OneSideEmptyGivesInfiniteOrUndefinedDistances) {
  Grid grid;
  grid.size = {20, 20, 20};
  grid.spacing = {2, 2, 2};
  auto empty = makeLabelImage(grid);
  auto ball = makeLabelImage(grid);
  paintBall(*ball, gridCentre(*ball), 6, 1);

  const auto missed = compareLabels(*ball, *empty, {1})[0];  // reference has it, prediction not
  EXPECT_EQ(missed.dice, 0.0);
  EXPECT_EQ(missed.recall, 0.0);
  EXPECT_TRUE(std::isnan(missed.precision));  // nothing predicted: 0/0
  EXPECT_TRUE(std::isinf(missed.hausdorff) && missed.hausdorff > 0);
  EXPECT_TRUE(std::isinf(missed.assd));
  EXPECT_EQ(missed.surfaceDice, 0.0);
  EXPECT_LT(missed.volumeDifference, 0.0);

  MetricOptions nanDistances;
  nanDistances.oneEmptyDistance = OneEmptyDistance::Undefined;
  const auto spurious = compareLabels(*empty, *ball, {1}, nanDistances)[0];
  EXPECT_EQ(spurious.dice, 0.0);
  EXPECT_EQ(spurious.precision, 0.0);
  EXPECT_TRUE(std::isnan(spurious.recall));
  EXPECT_TRUE(std::isnan(spurious.hausdorff95));
}

TEST(SegmentationMetrics, BackgroundIsNeverEvaluatedAndLabelsDefaultToThosePresent) {
  Grid grid;
  grid.size = {30, 30, 30};
  auto reference = makeLabelImage(grid);
  auto prediction = makeLabelImage(grid);
  paintBall(*reference, {8, 8, 8}, 4, 2);
  paintBall(*prediction, {20, 20, 20}, 4, 7);
  const auto metrics = compareLabels(*reference, *prediction, {});
  ASSERT_EQ(metrics.size(), 2u);
  EXPECT_EQ(metrics[0].label, 2);
  EXPECT_EQ(metrics[1].label, 7);
  EXPECT_THROW(compareLabels(*reference, *prediction, {0}), std::invalid_argument);
}

TEST(SegmentationMetrics, StructuresCutByTheImageEdgeAreClosedThere) {
  // A block filling the image's first slices: its face on the image edge is surface too, so a
  // prediction missing the edge slice is one voxel away everywhere on that face.
  Grid grid;
  grid.size = {10, 10, 10};
  auto reference = makeLabelImage(grid);
  auto prediction = makeLabelImage(grid);
  for (unsigned k = 0; k < 4; ++k) {
    for (unsigned j = 0; j < 10; ++j) {
      for (unsigned i = 0; i < 10; ++i) {
        reference->SetPixel({{i, j, k}}, 1);
        if (k > 0) {
          prediction->SetPixel({{i, j, k}}, 1);
        }
      }
    }
  }
  const auto m = compareLabels(*reference, *prediction, {1})[0];
  EXPECT_NEAR(m.hausdorff, 1.0, 1e-6);
}

TEST(GridMatching, DifferentGridsAreRefusedAndResamplingAlignsThem) {
  Grid grid;
  grid.size = {20, 20, 20};
  auto reference = makeLabelImage(grid);
  paintBall(*reference, gridCentre(*reference), 5, 1);
  Grid coarse = grid;
  coarse.size = {10, 10, 10};
  coarse.spacing = {2, 2, 2};
  coarse.origin = {0.5, 0.5, 0.5};
  auto prediction = makeLabelImage(coarse);
  paintBall(*prediction, gridCentre(*reference), 5, 1);
  EXPECT_FALSE(sameGrid(*reference, *prediction));
  EXPECT_THROW(compareLabels(*reference, *prediction, {1}), std::invalid_argument);
  const auto resampled = resampleLabelsOnto(*prediction, *reference);
  EXPECT_TRUE(sameGrid(*reference, *resampled));
  const auto m = compareLabels(*reference, *resampled, {1})[0];
  EXPECT_GT(m.dice, 0.8);
}

}  // namespace
