// Deleting blocks (Veit et al. 2016): a lesioned residual block is its identity path, a lesioned plain
// unit passes its input on, and the study restores every block.
#include "skipseg/nn/Initialization.h"
#include "skipseg/nn/SegmentationNetwork.h"
#include "skipseg/nn/blocks/ConvNormAct.h"
#include "skipseg/nn/blocks/ResidualBlock.h"
#include "skipseg/study/Lesion.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/grad_mode.h>

namespace skipseg::study {
namespace {

nn::BlockSettings settings2d() {
  nn::BlockSettings settings;
  settings.spatialDims = 2;
  return settings;
}

TEST(Lesion, APreActivationResidualBlockComputesExactlyItsInput) {
  nn::ResidualBlockOptions options;
  options.inChannels = options.outChannels = 4;
  options.preActivation = true;
  options.attention = "se";
  nn::ResidualBlock block(settings2d(), options);
  nn::initializeParameters(*block, 1);
  block->eval();
  at::NoGradGuard noGradients;
  const auto input = at::randn({2, 4, 8, 8});
  EXPECT_FALSE(at::equal(block->forward(input), input));
  block->setLesioned(true);
  EXPECT_TRUE(at::equal(block->forward(input), input));
  block->setLesioned(false);
  EXPECT_FALSE(at::equal(block->forward(input), input));
}

TEST(Lesion, APostActivationResidualBlockComputesItsShortcutThroughTheActivation) {
  nn::ResidualBlockOptions options;
  options.inChannels = options.outChannels = 3;
  nn::ResidualBlock block(settings2d(), options);
  nn::initializeParameters(*block, 2);
  block->eval();
  block->setLesioned(true);
  at::NoGradGuard noGradients;
  const auto input = at::randn({1, 3, 6, 6});
  // Leaky ReLU (slope 0.01) after the sum; the sum is the input alone.
  EXPECT_TRUE(at::equal(block->forward(input), at::leaky_relu(input, 0.01)));
}

TEST(Lesion, APlainUnitPassesItsInputOnAndRefusesWhenShapesChange) {
  nn::ConvNormActOptions options;
  options.inChannels = options.outChannels = 5;
  nn::ConvNormAct unit(settings2d(), options);
  ASSERT_TRUE(unit->lesionable());
  unit->setLesioned(true);
  const auto input = at::randn({1, 5, 4, 4});
  EXPECT_TRUE(at::equal(unit->forward(input), input));
  options.outChannels = 6;
  nn::ConvNormAct widening(settings2d(), options);
  EXPECT_FALSE(widening->lesionable());
  EXPECT_THROW(widening->setLesioned(true), Error);
}

TEST(Lesion, FindsResidualBlocksAndPlainUnitsThatKeepTheirShape) {
  auto residual = nn::createNetwork(
      {{"architecture", "resunet"}, {"spatial_dims", 2}, {"base_features", 4}, {"depth", 1}, {"blocks_per_stage", 2}});
  auto residualSites = lesionSites(*residual);
  // Encoder levels 0-1 and the decoder level: two residual blocks each; the first of each projects.
  ASSERT_EQ(residualSites.size(), 6U);
  int identity = 0;
  for (const auto& site : residualSites) {
    EXPECT_EQ(site.kind, "residual");
    identity += site.identityShortcut ? 1 : 0;
  }
  EXPECT_EQ(identity, 3);
  auto plain = nn::createNetwork({{"architecture", "unet"}, {"spatial_dims", 2}, {"base_features", 4}, {"depth", 1}});
  auto plainSites = lesionSites(*plain);
  // Two units per stage; only the second keeps the channel count.
  ASSERT_EQ(plainSites.size(), 3U);
  EXPECT_EQ(plainSites[0].name, "encoder.0.1");
  EXPECT_EQ(plainSites[0].kind, "plain");
}

TEST(Lesion, StudyScoresEveryBlockAndRandomSubsetsAndRestoresTheNetwork) {
  auto network = nn::createNetwork({{"architecture", "resunet"},
                                    {"spatial_dims", 2},
                                    {"base_features", 4},
                                    {"depth", 1},
                                    {"blocks_per_stage", 2},
                                    {"seed", 3}});
  network->eval();
  at::NoGradGuard noGradients;
  const auto input = at::randn({1, 1, 8, 8});
  const auto reference = network->forward(input);
  auto sites = lesionSites(*network);
  // Score: how far the output moved from the intact network's.
  const auto score = [&] { return (network->forward(input) - reference).abs().sum().item<double>(); };
  LesionOptions options;
  options.maxDeleted = 3;
  options.drawsPerCount = 2;
  options.seed = 5;
  const auto study = runLesionStudy(sites, score, options);
  EXPECT_EQ(study.baseline, 0.0);
  ASSERT_EQ(study.single.size(), sites.size());
  for (const double value : study.single) {
    EXPECT_GT(value, 0.0);
  }
  ASSERT_EQ(study.counts.size(), 3U);
  EXPECT_EQ(study.counts[0].deleted, 1);
  EXPECT_EQ(study.counts[2].scores.size(), 2U);
  EXPECT_TRUE(at::equal(network->forward(input), reference));
  // Same seed, same subsets.
  const auto again = runLesionStudy(sites, score, options);
  EXPECT_EQ(again.counts[2].scores, study.counts[2].scores);
}

}  // namespace
}  // namespace skipseg::study
