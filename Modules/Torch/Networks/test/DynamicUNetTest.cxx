// The nnU-Net dynamic U-Net: nnU-Net's parameter layout, anisotropic stages, 2D and 3D, deep
// supervision, seeded initialisation and a few training steps that lower the loss.
#include "skipseg/core/Error.h"
#include "skipseg/nn/nnunet/DynamicUNet.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/optim/sgd.h>

#include <set>

using skipseg::nn::nnunet::DynamicUNet;
using skipseg::nn::nnunet::DynamicUNetOptions;

namespace {

// The configuration of the nnunet_v2_plain3d fixture (its README: 351,329 parameters).
nlohmann::json fixtureConfiguration() {
  return {{"architecture", "nnunet"},
          {"in_channels", 1},
          {"num_classes", 3},
          {"features_per_stage", {8, 16, 32, 64}},
          {"kernel_sizes", {3, 3, 3, 3}},
          {"strides", {1, 2, 2, 2}}};
}

std::set<std::string> parameterNames(const torch::nn::Module& module) {
  std::set<std::string> names;
  for (const auto& item : module.named_parameters(true)) {
    names.insert(item.key());
  }
  return names;
}

int64_t parameterCount(const torch::nn::Module& module) {
  int64_t count = 0;
  for (const auto& parameter : module.parameters()) {
    count += parameter.numel();
  }
  return count;
}

}  // namespace

TEST(DynamicUNet, PlainNetworkHasNnUNetsParameterNamesAndCount) {
  auto network = skipseg::nn::createNetwork(fixtureConfiguration());
  const auto names = parameterNames(*network);
  for (const auto* expected :
       {"encoder.stages.0.0.convs.0.conv.weight", "encoder.stages.0.0.convs.0.conv.bias",
        "encoder.stages.3.0.convs.1.norm.weight", "encoder.stages.3.0.convs.1.norm.bias",
        "decoder.transpconvs.0.weight", "decoder.transpconvs.2.bias", "decoder.stages.2.convs.1.conv.weight",
        "decoder.seg_layers.0.weight", "decoder.seg_layers.2.bias"}) {
    EXPECT_TRUE(names.count(expected)) << expected;
  }
  EXPECT_EQ(names.size(), 188u - 64u - 64u / 2u - 24u);  // the checkpoint's 188 keys without its duplicates
  EXPECT_EQ(parameterCount(*network), 351329);
}

TEST(DynamicUNet, ResidualEncoderHasStemBlocksAndProjectedShortcuts) {
  auto configuration = fixtureConfiguration();
  configuration["architecture"] = "nnunet_resenc";
  configuration["n_blocks_per_stage"] = {1, 2, 2, 2};
  configuration["n_conv_per_stage_decoder"] = 1;
  auto network = skipseg::nn::createNetwork(configuration);
  const auto names = parameterNames(*network);
  for (const auto* expected :
       {"encoder.stem.convs.0.conv.weight", "encoder.stem.convs.0.norm.weight",
        "encoder.stages.0.blocks.0.conv1.conv.weight", "encoder.stages.0.blocks.0.conv2.norm.bias",
        "encoder.stages.1.blocks.0.skip.1.conv.weight", "encoder.stages.1.blocks.0.skip.1.norm.weight",
        "decoder.stages.0.convs.0.conv.weight", "decoder.seg_layers.2.weight"}) {
    EXPECT_TRUE(names.count(expected)) << expected;
  }
  // Stage 0 keeps width and resolution: no projection; the 1x1 projection has no bias.
  EXPECT_FALSE(names.count("encoder.stages.0.blocks.0.skip.0.conv.weight"));
  EXPECT_FALSE(names.count("encoder.stages.1.blocks.0.skip.1.conv.bias"));
  const auto output = network->forward(at::randn({1, 1, 16, 16, 16}));
  EXPECT_EQ(output.sizes(), (std::vector<int64_t>{1, 3, 16, 16, 16}));
}

TEST(DynamicUNet, AnisotropicStagesAndDeepSupervisionShapes) {
  nlohmann::json configuration = {{"architecture", "nnunet"},
                                  {"in_channels", 2},
                                  {"num_classes", 4},
                                  {"base_features", 4},
                                  {"max_features", 12},
                                  {"kernel_sizes", {{1, 3, 3}, {1, 3, 3}, {3, 3, 3}}},
                                  {"strides", {{1, 1, 1}, {1, 2, 2}, {2, 2, 2}}}};
  auto network = std::make_shared<DynamicUNet>(DynamicUNetOptions::fromJson(configuration));
  EXPECT_EQ(network->options().featuresPerStage, (std::vector<int64_t>{4, 8, 12}));
  const auto input = at::randn({2, 2, 6, 20, 24});
  const auto heads = network->forwardDeepSupervision(input);
  ASSERT_EQ(heads.size(), 2u);
  EXPECT_EQ(heads[0].sizes(), (std::vector<int64_t>{2, 4, 6, 20, 24}));
  EXPECT_EQ(heads[1].sizes(), (std::vector<int64_t>{2, 4, 6, 10, 12}));
  EXPECT_TRUE(at::equal(heads[0], network->forward(input)));  // forward() is the full-resolution head
  // Kernels 1x3x3 do not pad the first axis: a 2-slice slab keeps its 2 slices.
  EXPECT_EQ(network->forward(at::randn({1, 2, 2, 8, 8})).size(2), 2);
}

TEST(DynamicUNet, TwoDimensionalNetworkAndConfigurationRoundTrip) {
  nlohmann::json configuration = {{"architecture", "nnunet"}, {"spatial_dims", 2},         {"num_classes", 2},
                                  {"base_features", 4},       {"kernel_sizes", {3, 3, 3}}, {"strides", {1, 2, 2}}};
  auto network = skipseg::nn::createNetwork(configuration);
  EXPECT_EQ(network->forward(at::randn({1, 1, 32, 28})).sizes(), (std::vector<int64_t>{1, 2, 32, 28}));
  auto rebuilt = skipseg::nn::createNetwork(network->configuration());
  EXPECT_EQ(rebuilt->configuration(), network->configuration());
  EXPECT_EQ(parameterNames(*rebuilt), parameterNames(*network));
}

TEST(DynamicUNet, SameSeedSameWeightsOtherSeedOtherWeights) {
  auto configuration = fixtureConfiguration();
  configuration["seed"] = 7;
  auto first = skipseg::nn::createNetwork(configuration);
  auto second = skipseg::nn::createNetwork(configuration);
  configuration["seed"] = 8;
  auto third = skipseg::nn::createNetwork(configuration);
  const auto a = first->named_parameters()["encoder.stages.1.0.convs.0.conv.weight"];
  EXPECT_TRUE(at::equal(a, second->named_parameters()["encoder.stages.1.0.convs.0.conv.weight"]));
  EXPECT_FALSE(at::equal(a, third->named_parameters()["encoder.stages.1.0.convs.0.conv.weight"]));
  // He initialisation: std = sqrt(2 / (1 + 0.01^2)) / sqrt(fan_in = 8 * 27).
  EXPECT_NEAR(a.std().item<double>(), std::sqrt(2.0 / 1.0001 / 216.0), 0.01);
}

TEST(DynamicUNet, BadSettingsAreBadInputNamingTheKey) {
  auto configuration = fixtureConfiguration();
  configuration["strides"] = {1, 2, 2};
  try {
    skipseg::nn::createNetwork(configuration);
    FAIL() << "no error";
  } catch (const skipseg::Error& error) {
    EXPECT_EQ(error.code(), skipseg::ExitCode::BadInput);
    EXPECT_NE(std::string(error.what()).find("\"strides\""), std::string::npos) << error.what();
  }
  configuration = fixtureConfiguration();
  configuration["dpeth"] = 3;
  EXPECT_THROW(skipseg::nn::createNetwork(configuration), skipseg::Error);
}

TEST(DynamicUNet, CanonicalNamesFoldNnUNetDuplicates) {
  bool duplicate = false;
  EXPECT_EQ(DynamicUNet::canonicalParameterName("decoder.encoder.stages.0.0.convs.0.all_modules.0.weight", &duplicate),
            "encoder.stages.0.0.convs.0.conv.weight");
  EXPECT_TRUE(duplicate);
  EXPECT_EQ(DynamicUNet::canonicalParameterName("decoder.stages.1.convs.1.all_modules.1.bias", &duplicate),
            "decoder.stages.1.convs.1.norm.bias");
  EXPECT_TRUE(duplicate);
  EXPECT_EQ(DynamicUNet::canonicalParameterName("decoder.seg_layers.0.weight", &duplicate),
            "decoder.seg_layers.0.weight");
  EXPECT_FALSE(duplicate);
}

TEST(DynamicUNet, TrainingStepsLowerTheDeepSupervisionLoss) {
  nlohmann::json configuration = {{"architecture", "nnunet"},  {"num_classes", 2},     {"base_features", 4},
                                  {"kernel_sizes", {3, 3, 3}}, {"strides", {1, 2, 2}}, {"seed", 3}};
  auto network = skipseg::nn::createNetwork(configuration);
  network->train();
  auto generator = at::detail::createCPUGenerator(11);
  const auto input = at::randn({2, 1, 16, 16, 16}, generator);
  const auto target = (input > 0).to(at::kLong).squeeze(1);
  torch::optim::SGD optimizer(network->parameters(), torch::optim::SGDOptions(0.05).momentum(0.9));
  auto loss = [&] {
    const auto heads = network->forwardDeepSupervision(input);
    at::Tensor total = at::zeros({});
    at::Tensor scaled = target;
    for (size_t h = 0; h < heads.size(); ++h) {
      if (h > 0) {
        // Nearest downsampling of the labels to the head's resolution, as nnU-Net's deep supervision targets.
        scaled = scaled.slice(1, 0, scaled.size(1), 2).slice(2, 0, scaled.size(2), 2).slice(3, 0, scaled.size(3), 2);
      }
      total = total + at::cross_entropy_loss(heads[h], scaled) / static_cast<double>(1 << h);
    }
    return total;
  };
  const double initial = loss().item<double>();
  for (int step = 0; step < 15; ++step) {
    optimizer.zero_grad();
    auto value = loss();
    value.backward();
    optimizer.step();
  }
  EXPECT_LT(loss().item<double>(), 0.8 * initial);
}
