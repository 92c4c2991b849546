#include "skipseg/training/GradientScaler.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <limits>

namespace skipseg::training {
namespace {

at::Tensor parameterWithGradient(const at::Tensor& gradient) {
  at::Tensor parameter = at::zeros(gradient.sizes()).set_requires_grad(true);
  parameter.mutable_grad() = gradient.clone();
  return parameter;
}

TEST(GradientScaler, ScalesTheLossAndUnscalesGradientsExactly) {
  GradientScaler scaler;
  EXPECT_EQ(scaler.factor(), 65536.0);  // PyTorch's GradScaler default
  EXPECT_EQ(scaler.scale(at::full({}, 0.75)).item<double>(), 0.75 * 65536.0);
  const at::Tensor gradient = at::randn({5, 4}) * 65536.0;
  const auto parameter = parameterWithGradient(gradient);
  EXPECT_TRUE(scaler.unscale({parameter, at::zeros({2}).set_requires_grad(true)}));  // one without a gradient
  EXPECT_TRUE(at::equal(parameter.grad(), gradient / 65536.0));
}

TEST(GradientScaler, AnOverflowIsReportedAndHalvesTheFactorGoodStepsDoubleIt) {
  GradientScaler scaler(1024.0, /*growthInterval=*/3);
  at::Tensor gradient = at::ones({3});
  gradient[1] = std::numeric_limits<float>::infinity();
  EXPECT_FALSE(scaler.unscale({parameterWithGradient(at::ones({2})), parameterWithGradient(gradient)}));
  at::Tensor nan = at::ones({2});
  nan[0] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_FALSE(scaler.unscale({parameterWithGradient(nan)}));
  scaler.update(false);
  EXPECT_EQ(scaler.factor(), 512.0);
  scaler.update(true);
  scaler.update(true);
  EXPECT_EQ(scaler.factor(), 512.0);
  scaler.update(true);  // the third good step in a row
  EXPECT_EQ(scaler.factor(), 1024.0);
  scaler.update(true);
  scaler.update(false);  // an overflow restarts the count
  scaler.update(true);
  scaler.update(true);
  EXPECT_EQ(scaler.factor(), 512.0);

  GradientScaler restored(65536.0, /*growthInterval=*/3);  // a checkpoint restores the factor and the count
  restored.restore(scaler.toJson());
  EXPECT_EQ(restored.factor(), 512.0);
  restored.update(true);  // two good steps were already counted: the third doubles
  EXPECT_EQ(restored.factor(), 1024.0);
}

}  // namespace
}  // namespace skipseg::training
