// Gradient autocorrelation along a line (Balduzzi et al. 2017).
#include "skipseg/study/ShatteredGradients.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

namespace skipseg::study {
namespace {

TEST(GradientAutocorrelation, IsOneAtEveryLagForALinearNetwork) {
  const auto kernel = at::randn({1, 2, 3, 3});
  const auto linear = [&](const at::Tensor& x) { return at::conv2d(x, kernel, {}, 1, 1); };
  const auto gradients = gradientsAlongLine(linear, at::randn({2, 9, 9}), at::randn({2, 9, 9}), 40, 2.0);
  ASSERT_EQ(gradients.size(0), 40);
  ASSERT_EQ(gradients.size(1), 2 * 9 * 9);
  const auto correlation = gradientAutocorrelation(gradients, 39);
  ASSERT_EQ(correlation.size(), 40U);
  for (const double value : correlation) {
    EXPECT_NEAR(value, 1.0, 1e-9);
  }
}

TEST(GradientAutocorrelation, IsTheGradientOfTheCentreUnit) {
  // out = sum of w * x^2 at every voxel: d out(centre) / dx = 2 w x at the centre voxel, 0 elsewhere.
  const auto quadratic = [](const at::Tensor& x) { return 3.0 * x * x; };
  const auto patch = at::ones({1, 5, 5});
  const auto direction = at::ones({1, 5, 5});
  const auto gradients = gradientsAlongLine(quadratic, patch, direction, 3, 1.0);
  // t = -1, 0, 1: x = 0, 1, 2 at the centre (index 12 of 25).
  EXPECT_FLOAT_EQ(gradients[0][12].item<float>(), 0.0F);
  EXPECT_FLOAT_EQ(gradients[1][12].item<float>(), 6.0F);
  EXPECT_FLOAT_EQ(gradients[2][12].item<float>(), 12.0F);
  EXPECT_FLOAT_EQ(gradients.abs().sum().item<float>(), 18.0F);
}

TEST(GradientAutocorrelation, WhiteNoiseIsUncorrelated) {
  const auto noise = at::randn({400, 256}, at::TensorOptions().dtype(at::kDouble));
  const auto correlation = gradientAutocorrelation(noise, 3);
  EXPECT_DOUBLE_EQ(correlation[0], 1.0);
  for (int lag = 1; lag <= 3; ++lag) {
    EXPECT_LT(std::abs(correlation[lag]), 0.02);
  }
}

TEST(ShatteredGradients, GivesOneCurvePerKindAndDepthDeterministically) {
  ShatteringOptions options;
  options.depths = {2, 4};
  options.width = 4;
  options.patchSize = 8;
  options.points = 16;
  options.maxLag = 4;
  const auto curves = shatteredGradients(options);
  ASSERT_EQ(curves.size(), 4U);
  EXPECT_EQ(curves[0].kind, "plain");
  EXPECT_EQ(curves[3].kind, "residual");
  EXPECT_EQ(curves[3].depth, 4);
  EXPECT_EQ(curves[0].autocorrelation.size(), 5U);
  EXPECT_NEAR(curves[0].autocorrelation[0], 1.0, 1e-9);
  EXPECT_EQ(shatteredGradients(options)[2].autocorrelation, curves[2].autocorrelation);
  options.depths = {3};
  EXPECT_THROW(shatteredGradients(options), Error);
}

}  // namespace
}  // namespace skipseg::study
