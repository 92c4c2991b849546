#include "skipseg/training/GradientClipping.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/types.h>  // clip_grad.h needs it first

#include <torch/nn/utils/clip_grad.h>

namespace skipseg::training {
namespace {

/// Parameters of three shapes with seeded gradients of overall size `scale`, and a copy of them.
std::pair<std::vector<at::Tensor>, std::vector<at::Tensor>> twinParameters(double scale) {
  at::manual_seed(7);
  std::vector<at::Tensor> first, second;
  for (const auto& shape : std::vector<std::vector<int64_t>>{{4, 3, 3}, {7}, {2, 5}}) {
    at::Tensor parameter = at::randn(shape).set_requires_grad(true);
    parameter.mutable_grad() = at::randn(shape) * scale;
    at::Tensor twin = parameter.detach().clone().set_requires_grad(true);
    twin.mutable_grad() = parameter.grad().clone();
    first.push_back(parameter);
    second.push_back(twin);
  }
  second.push_back(at::zeros({3}).set_requires_grad(true));  // no gradient: left alone by both
  first.push_back(second.back().detach().clone().set_requires_grad(true));
  return {first, second};
}

// The same arithmetic as LibTorch's clip_grad_norm_, which reads the norm back to the host at every step:
// bit for bit the same gradients, clipped or not.
TEST(GradientClipping, GivesLibTorchsClippedGradientsBitForBit) {
  for (const double scale : {0.01, 1.0, 100.0}) {
    auto [ours, theirs] = twinParameters(scale);
    const at::Tensor norm = clipGradientNorm(ours, 12.0);
    const double reference = torch::nn::utils::clip_grad_norm_(theirs, 12.0);
    ASSERT_TRUE(norm.defined());
    EXPECT_EQ(norm.dim(), 0);
    EXPECT_EQ(norm.item<double>(), reference) << scale;
    for (std::size_t i = 0; i + 1 < ours.size(); ++i) {
      EXPECT_TRUE(at::equal(ours[i].grad(), theirs[i].grad())) << "scale " << scale << ", parameter " << i;
    }
    EXPECT_FALSE(ours.back().grad().defined());
  }
}

TEST(GradientClipping, LimitsTheJointNormAndKeepsSmallGradients) {
  auto [large, unused] = twinParameters(100.0);
  clipGradientNorm(large, 12.0);
  std::vector<at::Tensor> norms;
  for (std::size_t i = 0; i + 1 < large.size(); ++i) norms.push_back(large[i].grad().norm());
  EXPECT_NEAR(at::stack(norms).norm().item<double>(), 12.0, 1e-4);

  auto [small, copy] = twinParameters(0.01);
  clipGradientNorm(small, 12.0);
  for (std::size_t i = 0; i + 1 < small.size(); ++i) EXPECT_TRUE(at::equal(small[i].grad(), copy[i].grad()));
  EXPECT_FALSE(clipGradientNorm({at::zeros({2})}, 1.0).defined());
}

}  // namespace
}  // namespace skipseg::training
