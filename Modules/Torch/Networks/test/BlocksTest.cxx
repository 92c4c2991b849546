// The building blocks behave as their documentation says: residual shortcuts, drop-path, token
// reshaping, attention gates.
#include "skipseg/nn/Initialization.h"
#include "skipseg/nn/blocks/AttentionGate.h"
#include "skipseg/nn/blocks/ConvNormAct.h"
#include "skipseg/nn/blocks/DropPath.h"
#include "skipseg/nn/blocks/PatchEmbedding.h"
#include "skipseg/nn/blocks/ResidualBlock.h"
#include "skipseg/nn/blocks/SpatialChannelGate.h"
#include "skipseg/nn/blocks/TransformerBlock.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/grad_mode.h>

namespace skipseg::nn {
namespace {

BlockSettings settings3d() {
  BlockSettings settings;
  settings.spatialDims = 3;
  return settings;
}

TEST(DropPath, IsTheIdentityInEvalMode) {
  DropPath dropPath(0.5, 3);
  dropPath->eval();
  const auto branch = torch::randn({8, 4, 3, 3});
  EXPECT_TRUE(torch::equal(dropPath->forward(branch), branch));
}

TEST(DropPath, InTrainingDropsWholeSamplesAndRescalesTheKeptOnes) {
  DropPath dropPath(0.5, 3);
  dropPath->train();
  const auto branch = torch::ones({64, 2, 3, 3});
  const auto output = dropPath->forward(branch);
  const auto perSample = output.flatten(1);
  int64_t dropped = 0;
  for (int64_t sample = 0; sample < 64; ++sample) {
    const double low = perSample[sample].min().item<double>();
    const double high = perSample[sample].max().item<double>();
    EXPECT_EQ(low, high);  // a whole sample is dropped or kept
    EXPECT_TRUE(low == 0.0 || low == 2.0) << low;
    dropped += low == 0.0 ? 1 : 0;
  }
  EXPECT_GT(dropped, 10);
  EXPECT_LT(dropped, 54);
  // Same seed, same masks.
  DropPath again(0.5, 3);
  again->train();
  EXPECT_TRUE(torch::equal(again->forward(branch), output));
}

TEST(ResidualBlock, IdentityShortcutKeepsShapeAndProjectionChangesIt) {
  ResidualBlockOptions options;
  options.inChannels = 4;
  options.outChannels = 4;
  ResidualBlock identity(settings3d(), options);
  EXPECT_EQ(identity->named_parameters().find("projection.weight"), nullptr);
  EXPECT_EQ(identity->forward(torch::randn({1, 4, 6, 6, 6})).sizes().vec(), (std::vector<int64_t>{1, 4, 6, 6, 6}));

  options.outChannels = 8;
  options.stride = 2;
  ResidualBlock projected(settings3d(), options);
  const auto* projection = projected->named_parameters().find("projection.weight");
  ASSERT_NE(projection, nullptr);
  EXPECT_EQ(projection->sizes().vec(), (std::vector<int64_t>{8, 4, 1, 1, 1}));
  EXPECT_EQ(projected->forward(torch::randn({1, 4, 6, 6, 6})).sizes().vec(), (std::vector<int64_t>{1, 8, 3, 3, 3}));
}

TEST(ResidualBlock, PreActivationWithAZeroBranchIsTheIdentity) {
  ResidualBlockOptions options;
  options.inChannels = 3;
  options.outChannels = 3;
  options.preActivation = true;
  ResidualBlock block(settings3d(), options);
  torch::NoGradGuard noGradients;
  for (auto& item : block->named_parameters()) {
    if (item.key().rfind("second.conv.", 0) == 0) {
      item.value().zero_();
    }
  }
  const auto input = torch::randn({2, 3, 4, 4, 4});
  EXPECT_TRUE(torch::allclose(block->forward(input), input));  // nothing but the sum on the identity path
}

TEST(SpatialChannelGate, KeepsShapeAndGatesWithinZeroToTwice) {
  torch::manual_seed(11);  // the same weights and input in every run
  SpatialChannelGate gate(2, 8, 4);
  const auto input = torch::rand({2, 8, 5, 5}) + 0.1;
  const auto output = gate->forward(input);
  EXPECT_EQ(output.sizes(), input.sizes());
  EXPECT_TRUE((output >= 0).all().item<bool>());
  EXPECT_TRUE((output <= 2 * input).all().item<bool>());
}

TEST(AttentionGate, GivesOneCoefficientInZeroToOnePerSkipVoxelAndKeepsTheSkipsShape) {
  torch::manual_seed(13);  // the same weights and input in every run
  AttentionGate gate(2, 6, 12, 3);
  const auto skip = torch::randn({2, 6, 8, 10});
  const auto gating = torch::randn({2, 12, 4, 5});
  const auto alpha = gate->coefficients(skip, gating);
  EXPECT_EQ(alpha.sizes().vec(), (std::vector<int64_t>{2, 1, 8, 10}));
  EXPECT_TRUE(((alpha >= 0) & (alpha <= 1)).all().item<bool>());
  const auto output = gate->forward(skip, gating);
  EXPECT_EQ(output.sizes(), skip.sizes());
  EXPECT_TRUE(torch::equal(output, skip * alpha));
}

TEST(AttentionGate, WithCoefficientsForcedToOnePassesTheSkipUnchanged) {
  torch::manual_seed(14);
  AttentionGate gate(3, 4, 8, 2);
  torch::NoGradGuard noGradients;
  gate->psi->weight.zero_();
  gate->psi->bias.fill_(30.0);  // sigmoid(30) = 1 - 9e-14: 1.0f exactly
  const auto skip = torch::randn({1, 4, 4, 6, 2});
  EXPECT_TRUE(torch::equal(gate->forward(skip, torch::randn({1, 8, 2, 3, 1})), skip));
}

TEST(PatchEmbedding, TokensRoundTripToTheFeatureMap) {
  const auto featureMap = torch::randn({2, 5, 3, 4, 2});
  EXPECT_TRUE(torch::equal(tokensToFeatureMap(featureMapToTokens(featureMap), {3, 4, 2}), featureMap));
  PatchEmbedding embedding(3, 5, 16, 2);
  std::vector<int64_t> grid;
  const auto tokens = embedding->forward(torch::randn({2, 5, 4, 8, 2}), &grid);
  EXPECT_EQ(tokens.sizes().vec(), (std::vector<int64_t>{2, 2 * 4 * 1, 16}));
  EXPECT_EQ(grid, (std::vector<int64_t>{2, 4, 1}));
}

TEST(TransformerBlock, IsPermutationEquivariantOverTokens) {
  TransformerBlockOptions options;
  options.features = 16;
  options.heads = 4;
  options.mlpFeatures = 32;
  TransformerBlock block(options);
  initializeParameters(*block, 5);
  block->eval();
  torch::NoGradGuard noGradients;
  const auto tokens = torch::randn({1, 6, 16});
  const auto order = torch::tensor({3, 0, 5, 1, 4, 2}, torch::kLong);
  const auto permutedFirst = block->forward(tokens.index_select(1, order));
  const auto permutedAfter = block->forward(tokens).index_select(1, order);
  EXPECT_TRUE(torch::allclose(permutedFirst, permutedAfter, 1e-5, 1e-6));
}

}  // namespace
}  // namespace skipseg::nn
