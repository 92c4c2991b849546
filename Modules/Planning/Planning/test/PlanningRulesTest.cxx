// The planning rules on synthetic fingerprints whose right answers follow from the rules' definitions.
#include "skipseg/planning/PlanningRules.h"

#include <gtest/gtest.h>

#include <set>

namespace skipseg::planning {
namespace {

using Sizes = std::vector<std::array<std::size_t, 3>>;
using Spacings = std::vector<std::array<double, 3>>;

TEST(TargetSpacing, IsTheMedianPerAxisForIsotropicData) {
  const Spacings spacings{{1.0, 1.0, 1.0}, {1.5, 1.5, 2.0}, {2.0, 2.0, 2.5}};
  const Sizes sizes{{100, 100, 100}, {90, 90, 80}, {80, 80, 70}};
  const auto target = targetSpacing(spacings, sizes);
  EXPECT_DOUBLE_EQ(target[0], 1.5);
  EXPECT_DOUBLE_EQ(target[1], 1.5);
  EXPECT_DOUBLE_EQ(target[2], 2.0);
}

TEST(TargetSpacing, UsesTheTenthPercentileAlongAThickSliceAxisWithFewSlices) {
  const Spacings spacings{{0.8, 0.8, 5.0}, {0.8, 0.8, 5.0}, {0.8, 0.8, 3.0}, {0.8, 0.8, 6.0}, {0.8, 0.8, 5.0}};
  const Sizes sizes(5, {512, 512, 30});
  const auto target = targetSpacing(spacings, sizes);
  EXPECT_DOUBLE_EQ(target[0], 0.8);
  // 10th percentile of {3, 5, 5, 5, 6}, linearly interpolated: 3 + 0.4 * (5 - 3).
  EXPECT_NEAR(target[2], 3.8, 1e-12);
}

TEST(TargetSpacing, KeepsTheMedianWhenTheCoarseAxisHasManyVoxels) {
  const Spacings spacings{{0.8, 0.8, 5.0}, {0.8, 0.8, 3.0}, {0.8, 0.8, 6.0}};
  const Sizes sizes(3, {200, 200, 150});
  EXPECT_DOUBLE_EQ(targetSpacing(spacings, sizes)[2], 5.0);
}

TEST(ResampledSize, ScalesThePhysicalExtent) {
  const auto size = resampledSize({100, 50, 20}, {1.0, 2.0, 5.0}, {2.0, 2.0, 2.0});
  EXPECT_EQ(size, (std::array<std::size_t, 3>{50, 50, 50}));
}

TEST(PlanTopology, PoolsIsotropicPatchesDownToTheMinimumFeatureSize) {
  const auto topology = planTopology({1.0, 1.0, 1.0}, {128, 128, 128}, 4, 6);
  ASSERT_EQ(topology.stageCount(), 6);  // 128 -> 64 -> 32 -> 16 -> 8 -> 4
  for (std::size_t axis = 0; axis < 3; ++axis) {
    EXPECT_EQ(topology.totalPooling(axis), 32);
    for (const auto& kernels : topology.convKernels) {
      EXPECT_EQ(kernels[axis], 3);
    }
  }
  EXPECT_EQ(topology.patchSize, (std::vector<int>{128, 128, 128}));
}

TEST(PlanTopology, WaitsWithTheThickAxisAndUsesKernelOneUntilItCatchesUp) {
  // z at 5 mm, y and x at 1 mm (tensor order z y x).
  const auto topology = planTopology({5.0, 1.0, 1.0}, {20, 160, 160}, 4, 6);
  ASSERT_EQ(topology.stageCount(), 6);
  const std::vector<std::vector<int>> expectedPooling{{1, 1, 1}, {1, 2, 2}, {1, 2, 2}, {2, 2, 2}, {2, 2, 2}, {1, 2, 2}};
  const std::vector<std::vector<int>> expectedKernels{{1, 3, 3}, {1, 3, 3}, {3, 3, 3}, {3, 3, 3}, {3, 3, 3}, {3, 3, 3}};
  EXPECT_EQ(topology.poolKernels, expectedPooling);
  EXPECT_EQ(topology.convKernels, expectedKernels);
  EXPECT_EQ(topology.totalPooling(0), 4);
  EXPECT_EQ(topology.totalPooling(1), 32);
}

TEST(PlanTopology, RoundsThePatchUpToAMultipleOfThePooling) {
  // 100 -> 50 -> 25 -> 12 -> 6: four poolings, so a multiple of 16.
  const auto topology = planTopology({1.0, 1.0}, {100, 20}, 4, 6);
  EXPECT_EQ(topology.totalPooling(0), 16);
  EXPECT_EQ(topology.totalPooling(1), 4);  // 20 -> 10 -> 5
  EXPECT_EQ(topology.patchSize, (std::vector<int>{112, 20}));
}

TEST(PlanPatchAndBatch, CoversTheMedianCaseWhenTheBudgetAllows) {
  PatchPlanInput input;
  input.spacing = {1.0, 1.0, 1.0};
  input.medianSize = {64, 64, 64};
  input.memoryBudgetBytes = 1e12;
  input.maxBatchSize = 7;
  const auto plan = planPatchAndBatch(input);
  EXPECT_EQ(plan.topology.patchSize, (std::vector<int>{64, 64, 64}));
  EXPECT_EQ(plan.batchSize, 7);
}

TEST(PlanPatchAndBatch, ShrinksThePatchUntilABatchFitsTheBudget) {
  PatchPlanInput input;
  input.spacing = {1.0, 1.0, 1.0};
  input.medianSize = {64, 256, 256};
  input.memoryBudgetBytes = 2e9;
  const auto plan = planPatchAndBatch(input);
  const auto& patch = plan.topology.patchSize;
  EXPECT_LE(estimateTrainingBytesPerSample(plan.topology, 1, 2, 32, 320) * input.minBatchSize, input.memoryBudgetBytes);
  EXPECT_LE(patch[0], 64);
  EXPECT_LT(patch[1], 256);  // the longest edges go first when all cover the whole median case
  EXPECT_LT(patch[2], 256);
  EXPECT_GE(patch[1], patch[0] / 2);
  EXPECT_GE(plan.batchSize, 2);
  // A larger budget never gives a smaller patch.
  input.memoryBudgetBytes = 8e9;
  const auto larger = planPatchAndBatch(input);
  EXPECT_GE(larger.topology.patchSize[1] * larger.topology.patchSize[2], patch[1] * patch[2]);
}

TEST(PlanPatchAndBatch, LimitsTheBatchToFivePercentOfTheDataset) {
  PatchPlanInput input;
  input.spacing = {1.0, 1.0};
  input.medianSize = {32, 32};
  input.memoryBudgetBytes = 1e12;
  input.datasetVoxels = 32 * 32 * 200;  // 0.05 * 200 slices = 10 patches
  EXPECT_EQ(planPatchAndBatch(input).batchSize, 10);
}

TEST(PlanNormalization, UsesTheCtSchemeForCtChannelsAndZScoreOtherwise) {
  DatasetFingerprint fingerprint;
  fingerprint.channelNames = {"CT", "T2"};
  fingerprint.intensities = {{40.0, 100.0, -900.0, 1200.0, -1024.0, 3000.0}, {300.0, 50.0, 10.0, 900.0, 0.0, 1000.0}};
  fingerprint.croppedVolumeFractions = {1.0, 0.9};
  const auto specs = planNormalization(fingerprint);
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].scheme, NormalizationSpec::Scheme::Ct);
  EXPECT_DOUBLE_EQ(specs[0].clipLow, -900.0);
  EXPECT_DOUBLE_EQ(specs[0].clipHigh, 1200.0);
  EXPECT_DOUBLE_EQ(specs[0].mean, 40.0);
  EXPECT_DOUBLE_EQ(specs[0].std, 100.0);
  EXPECT_EQ(specs[1].scheme, NormalizationSpec::Scheme::ZScore);
  EXPECT_FALSE(specs[1].nonZeroRegionOnly);
  fingerprint.croppedVolumeFractions = {0.5, 0.6};  // e.g. skull-stripped: statistics over the brain only
  EXPECT_TRUE(planNormalization(fingerprint)[1].nonZeroRegionOnly);
}

TEST(SplitFolds, ValidatesEveryCaseExactlyOnceAndIsSeeded) {
  std::vector<std::string> ids;
  for (int i = 0; i < 11; ++i) {
    ids.push_back("case" + std::to_string(i));
  }
  const auto folds = splitFolds(ids, 5, 42);
  ASSERT_EQ(folds.size(), 5u);
  std::multiset<std::string> validated;
  for (const auto& fold : folds) {
    EXPECT_EQ(fold.training.size() + fold.validation.size(), ids.size());
    for (const auto& id : fold.validation) {
      validated.insert(id);
      EXPECT_EQ(std::count(fold.training.begin(), fold.training.end(), id), 0);
    }
  }
  EXPECT_EQ(validated, std::multiset<std::string>(ids.begin(), ids.end()));
  EXPECT_EQ(splitFolds(ids, 5, 42)[0].validation, folds[0].validation);
  bool anyDifferent = false;
  for (std::uint64_t seed = 1; seed < 5; ++seed) {
    anyDifferent = anyDifferent || splitFolds(ids, 5, seed)[0].validation != folds[0].validation;
  }
  EXPECT_TRUE(anyDifferent);
}

TEST(SplitFolds, TrainsAndValidatesOnASingleCase) {
  const auto folds = splitFolds({"only"}, 5, 1);
  ASSERT_EQ(folds.size(), 1u);
  EXPECT_EQ(folds[0].training, std::vector<std::string>{"only"});
  EXPECT_EQ(folds[0].validation, std::vector<std::string>{"only"});
}

}  // namespace
}  // namespace skipseg::planning
