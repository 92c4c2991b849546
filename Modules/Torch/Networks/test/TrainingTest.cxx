// A few optimiser steps on a tiny synthetic problem lower the loss for every architecture: the
// networks are trainable end to end (gradients reach every parameter through the skips).
#include "NetworkTestHelpers.h"
#include "skipseg/nn/SegmentationNetwork.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/nn/functional/loss.h>
#include <torch/optim/adam.h>
#include <torch/optim/sgd.h>

namespace skipseg::nn {
namespace {

using testing::smallConfiguration;

// Class of a voxel: 1 where channel 0 is positive, 2 where channel 1 is, else 0 (channel 0 wins).
torch::Tensor targetsFor(const torch::Tensor& input) {
  const auto first = input.select(1, 0) > 0;
  const auto second = input.select(1, 1) > 0;
  return at::where(first, at::ones_like(first, torch::kLong),
                   at::where(second, at::full_like(first, 2, torch::kLong), at::zeros_like(first, torch::kLong)));
}

// The target at a deep-supervision output's coarser resolution (every k-th voxel, as nnU-Net does).
torch::Tensor targetAt(const torch::Tensor& target, const torch::Tensor& output) {
  auto coarse = target;
  for (int64_t axis = 1; axis < target.dim(); ++axis) {
    const int64_t step = target.size(axis) / output.size(axis + 1);
    coarse = coarse.slice(axis, 0, target.size(axis), step);
  }
  return coarse;
}

std::vector<double> trainSteps(SegmentationNetwork& network, torch::optim::Optimizer& optimizer,
                               const torch::Tensor& input, int steps) {
  const auto target = targetsFor(input);
  std::vector<double> losses;
  network.train();
  for (int step = 0; step < steps; ++step) {
    optimizer.zero_grad();
    torch::Tensor loss = torch::zeros({});
    for (const auto& output : network.forwardDeepSupervision(input)) {
      loss = loss + torch::nn::functional::cross_entropy(output, targetAt(target, output));
    }
    loss.backward();
    optimizer.step();
    losses.push_back(loss.item<double>());
  }
  return losses;
}

class Training : public ::testing::TestWithParam<std::tuple<std::string, int>> {};

TEST_P(Training, AdamLowersTheLoss) {
  const auto [architecture, dims] = GetParam();
  auto network = createNetwork(smallConfiguration(architecture, dims, dims == 3 ? 8 : 16));
  torch::manual_seed(1);
  std::vector<int64_t> shape{2, 2};
  shape.insert(shape.end(), dims, dims == 3 ? 8 : 16);
  const auto input = torch::randn(shape);
  torch::optim::Adam optimizer(network->parameters(), torch::optim::AdamOptions(1e-2));
  const auto losses = trainSteps(*network, optimizer, input, 8);
  for (const auto loss : losses) {
    ASSERT_TRUE(std::isfinite(loss));
  }
  EXPECT_LT(losses.back(), 0.8 * losses.front()) << "first " << losses.front() << ", last " << losses.back();
  for (const auto& parameter : network->parameters()) {
    ASSERT_TRUE(parameter.grad().defined());
  }
}

INSTANTIATE_TEST_SUITE_P(AllArchitectures, Training,
                         ::testing::Values(std::make_tuple("unet", 2), std::make_tuple("resunet", 2),
                                           std::make_tuple("unetpp", 2), std::make_tuple("transunet", 2),
                                           std::make_tuple("unet", 3), std::make_tuple("transunet", 3)),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" + std::to_string(std::get<1>(info.param)) + "D";
                         });

TEST(Training, SgdWithMomentumLowersTheLossOfADeeplySupervisedResidualNetwork) {
  auto configuration = smallConfiguration("resunet", 2);
  configuration["deep_supervision"] = true;
  configuration["norm"] = "batch";
  configuration["attention"] = "se";
  configuration["drop_path"] = 0.1;
  auto network = createNetwork(configuration);
  torch::manual_seed(2);
  const auto input = torch::randn({4, 2, 16, 16});
  torch::optim::SGD optimizer(network->parameters(), torch::optim::SGDOptions(0.05).momentum(0.9));
  const auto losses = trainSteps(*network, optimizer, input, 10);
  EXPECT_LT(losses.back(), 0.8 * losses.front()) << "first " << losses.front() << ", last " << losses.back();
}

}  // namespace
}  // namespace skipseg::nn
