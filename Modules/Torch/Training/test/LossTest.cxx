#include "skipseg/training/Loss.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

namespace skipseg::training {
namespace {

TEST(DeepSupervisionWeights, HalveAndIgnoreTheCoarsestScale) {
  const auto weights = deepSupervisionWeights(4);
  ASSERT_EQ(weights.size(), 4u);
  EXPECT_NEAR(weights[0], 1.0 / 1.75, 1e-12);
  EXPECT_NEAR(weights[1], 0.5 / 1.75, 1e-12);
  EXPECT_NEAR(weights[2], 0.25 / 1.75, 1e-12);
  EXPECT_EQ(weights[3], 0.0);
  EXPECT_EQ(deepSupervisionWeights(1), std::vector<double>{1.0});
}

TEST(DiceCrossEntropyLoss, IsNearZeroForConfidentCorrectLogitsAndLargeForWrongOnes) {
  const at::Tensor target = at::randint(0, 3, {2, 6, 6, 6}, at::kLong);
  const at::Tensor right = at::one_hot(target, 3).permute({0, 4, 1, 2, 3}).to(at::kFloat) * 20.0f;
  const at::Tensor wrong = at::one_hot((target + 1) % 3, 3).permute({0, 4, 1, 2, 3}).to(at::kFloat) * 20.0f;
  EXPECT_LT(diceCrossEntropyLoss(right, target).item<double>(), 1e-3);
  EXPECT_GT(diceCrossEntropyLoss(wrong, target).item<double>(), 10.0);
}

TEST(DownsampleLabels, TakesEveryOtherVoxelForAFactorOfTwo) {
  const at::Tensor target = at::arange(64, at::kLong).reshape({1, 4, 4, 4});
  const at::Tensor reduced = downsampleLabels(target, {2, 2, 2});
  EXPECT_TRUE(at::equal(reduced, target.slice(1, 0, 4, 2).slice(2, 0, 4, 2).slice(3, 0, 4, 2)));
}

TEST(ConfusionCounts, CountsPerForegroundClass) {
  // Predictions along x: 0 1 1 2; truth: 0 1 2 2.
  at::Tensor logits = at::zeros({1, 3, 1, 1, 4});
  const std::vector<int64_t> predicted{0, 1, 1, 2};
  for (int64_t x = 0; x < 4; ++x) {
    logits[0][predicted[x]][0][0][x] = 5.0f;
  }
  const at::Tensor truth = at::tensor(std::vector<int64_t>{0, 1, 2, 2}).reshape({1, 1, 1, 4});
  const at::Tensor counts = confusionCounts(logits, truth);
  // class 1: TP 1, FP 1, FN 0; class 2: TP 1, FP 0, FN 1.
  EXPECT_TRUE(at::equal(counts, at::tensor(std::vector<int64_t>{1, 1, 0, 1, 0, 1}).reshape({2, 3})));
}

}  // namespace
}  // namespace skipseg::training
