// Filter-wise normalised directions and the loss plane (Li et al. 2018).
#include "skipseg/nn/SegmentationNetwork.h"
#include "skipseg/study/LossLandscape.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/nn/modules/linear.h>

namespace skipseg::study {
namespace {

TEST(FilterNormalizedDirection, EachFilterHasTheNormOfTheWeightsFilter) {
  const auto convolution = at::randn({6, 3, 3, 3}) * 0.7;
  const auto transposed = at::randn({4, 2, 2, 2}) * 3.0;
  const auto bias = at::randn({6});
  const auto direction = filterNormalizedDirection({convolution, transposed, bias}, 7);
  ASSERT_EQ(direction.size(), 3U);
  for (int which = 0; which < 2; ++which) {
    const auto& weight = which == 0 ? convolution : transposed;
    ASSERT_TRUE(direction[which].sizes().equals(weight.sizes()));
    for (int64_t filter = 0; filter < weight.size(0); ++filter) {
      const double expected = weight[filter].norm().item<double>();
      EXPECT_NEAR(direction[which][filter].norm().item<double>(), expected, 1e-5 * expected);
    }
  }
  // Biases and normalisation parameters stay where they were trained.
  EXPECT_TRUE(at::equal(direction[2], at::zeros_like(bias)));
}

TEST(FilterNormalizedDirection, DependsOnlyOnTheSeed) {
  const auto weight = at::randn({5, 4, 3, 3});
  EXPECT_TRUE(at::equal(filterNormalizedDirection(std::vector<at::Tensor>{weight}, 3)[0],
                        filterNormalizedDirection(std::vector<at::Tensor>{weight}, 3)[0]));
  EXPECT_FALSE(at::equal(filterNormalizedDirection(std::vector<at::Tensor>{weight}, 3)[0],
                         filterNormalizedDirection(std::vector<at::Tensor>{weight}, 4)[0]));
}

TEST(LossPlane, EvaluatesTheGridAroundTheWeightsAndRestoresThem) {
  torch::nn::Linear layer(torch::nn::LinearOptions(4, 3).bias(false));
  const auto trained = layer->weight.detach().clone();
  const auto input = at::randn({8, 4});
  // A quadratic loss in the weights: its value at (a, b) is known in closed form.
  const auto loss = [&] {
    at::NoGradGuard noGradients;
    return layer->forward(input).pow(2).sum().item<double>();
  };
  PlaneOptions options;
  options.resolution = 5;
  options.extent = 0.5;
  options.seed = 11;
  const auto plane = lossPlane(*layer, loss, options);
  ASSERT_EQ(plane.coordinates.size(), 5U);
  EXPECT_DOUBLE_EQ(plane.coordinates.front(), -0.5);
  EXPECT_DOUBLE_EQ(plane.coordinates[2], 0.0);
  EXPECT_TRUE(at::equal(layer->weight, trained));
  const auto d1 = filterNormalizedDirection(std::vector<at::Tensor>{trained}, 11)[0];
  const auto d2 = filterNormalizedDirection(std::vector<at::Tensor>{trained}, 12)[0];
  for (std::size_t i = 0; i < 5; ++i) {
    for (std::size_t j = 0; j < 5; ++j) {
      const auto moved = trained + plane.coordinates[i] * d1 + plane.coordinates[j] * d2;
      const double expected = at::matmul(input, moved.t()).pow(2).sum().item<double>();
      EXPECT_NEAR(plane.loss[i][j], expected, 1e-4 * expected);
    }
  }
  EXPECT_NEAR(plane.loss[2][2], plane.centreLoss, 1e-9);
  EXPECT_NEAR(plane.centreLoss, loss(), 1e-9);
}

}  // namespace
}  // namespace skipseg::study
