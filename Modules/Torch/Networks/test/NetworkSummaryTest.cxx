// The summary's numbers are the ones a user would compute by hand.
#include "NetworkTestHelpers.h"
#include "skipseg/core/Error.h"
#include "skipseg/nn/NetworkSummary.h"

#include <gtest/gtest.h>

namespace skipseg::nn {
namespace {

using testing::builtInArchitectures;
using testing::smallConfiguration;

TEST(NetworkSummary, ParameterCountIsTheSumOfParameterSizes) {
  for (const auto& name : builtInArchitectures()) {
    auto network = createNetwork(smallConfiguration(name, 3, 8));
    int64_t expected = 0;
    for (const auto& parameter : network->parameters()) {
      expected += parameter.numel();
    }
    const auto summary = summarizeNetwork(*network, {1, 2, 8, 8, 8});
    EXPECT_EQ(summary.at("parameters").get<int64_t>(), expected) << name;
    EXPECT_EQ(summary.at("output_shape"), nlohmann::json({1, 3, 8, 8, 8})) << name;
    EXPECT_EQ(summary.at("architecture"), name);
    int64_t layerFlops = 0;
    for (const auto& layer : summary.at("layers")) {
      layerFlops += layer.at("flops").get<int64_t>();
    }
    EXPECT_EQ(layerFlops, summary.at("flops").get<int64_t>());
    EXPECT_GT(layerFlops, 0);
  }
}

TEST(NetworkSummary, FlopsOfTheFirstConvolutionMatchTheFormula) {
  // unet, 3D: the first layer is a 3x3x3 convolution from 2 to 4 channels at full resolution.
  auto network = createNetwork(smallConfiguration("unet", 3));
  const auto summary = summarizeNetwork(*network, {1, 2, 8, 12, 16});  // divisible by 2^depth: no padding
  const auto& first = summary.at("layers").at(0);
  EXPECT_EQ(first.at("name"), "encoder.0.0.conv");
  EXPECT_EQ(first.at("type"), "Convolution");
  EXPECT_EQ(first.at("output_shape"), nlohmann::json({1, 4, 8, 12, 16}));
  // 2 x (output voxels x output channels) x (input channels x kernel volume)
  EXPECT_EQ(first.at("flops").get<int64_t>(), int64_t(2) * (8 * 12 * 16 * 4) * (2 * 27));
  EXPECT_EQ(first.at("parameters").get<int64_t>(), 4 * 2 * 27);  // no bias before a normalisation
}

TEST(NetworkSummary, AttentionFlopsFollowTheTokenCount) {
  auto configuration = smallConfiguration("transunet", 2, 16);
  configuration["num_layers"] = 1;
  auto network = createNetwork(configuration);
  const auto summary = summarizeNetwork(*network, {1, 2, 16, 16});
  bool found = false;
  for (const auto& layer : summary.at("layers")) {
    if (layer.at("type") == "Attention") {
      found = true;
      const int64_t tokens = (16 / 4) * (16 / 4);
      EXPECT_EQ(layer.at("flops").get<int64_t>(), 4 * tokens * tokens * 16);  // QK^T and AV, hidden 16
    }
  }
  EXPECT_TRUE(found);
}

TEST(NetworkSummary, KeepsTheTrainingModeAndRefusesABadShape) {
  auto network = createNetwork(smallConfiguration("unet", 2));
  network->train();
  summarizeNetwork(*network, {1, 2, 16, 16});
  EXPECT_TRUE(network->is_training());
  EXPECT_THROW(summarizeNetwork(*network, {2, 16}), Error);
  EXPECT_THROW(summarizeNetwork(*network, {1, 2, 0, 16}), Error);
}

}  // namespace
}  // namespace skipseg::nn
