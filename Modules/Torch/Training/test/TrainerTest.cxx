// Training reaches a high Dice on a synthetic task, and a resumed run ends with exactly the weights of
// an uninterrupted one.
#include "TinyNetwork.h"
#include "skipseg/core/Error.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/training/Trainer.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <cmath>

namespace skipseg::training {
namespace {

std::shared_ptr<testing::TinyNetwork> seededNetwork(std::uint64_t seed) {
  at::manual_seed(seed);
  return std::make_shared<testing::TinyNetwork>(3, 1, 3, 8);
}

TrainerOptions quickOptions(int epochs) {
  TrainerOptions options;
  options.epochs = epochs;
  options.iterationsPerEpoch = 20;
  options.validationIterations = 4;
  options.optimizer = "adamw";
  options.learningRate = 1e-2;
  options.loaderThreads = 1;
  options.seed = 7;
  return options;
}

// SGD, `iterations` per epoch: the settings of the exact-weights tests.
TrainerOptions sgdOptions(int epochs, int iterations) {
  TrainerOptions options = quickOptions(epochs);
  options.iterationsPerEpoch = iterations;
  options.optimizer = "sgd";
  return options;
}

SamplingOptions quickSampling() {
  SamplingOptions sampling;
  sampling.patchSize = {16, 16, 16};
  sampling.batchSize = 2;
  sampling.augmentation.rotationProbability = 0.1;  // keep the task quick to learn
  return sampling;
}

TEST(Trainer, ReachesAHighDiceOnHeldOutSyntheticCases) {
  at::set_num_threads(1);
  auto all = testing::syntheticCases(6, 24, 11);
  auto training = std::make_shared<std::vector<TrainingCase>>(all.begin(), all.begin() + 4);
  auto validation = std::make_shared<std::vector<TrainingCase>>(all.begin() + 4, all.end());
  auto network = seededNetwork(1);
  Trainer trainer(network, training, validation, quickSampling(), quickOptions(6));
  trainer.train(silentProgress());
  ASSERT_EQ(trainer.completedEpochs(), 6);
  EXPECT_LT(trainer.history().back().trainingLoss, trainer.history().front().trainingLoss);
  network->eval();
  at::NoGradGuard noGradients;
  const auto dice = caseDice(*validation, 3, [&](const at::Tensor& input) { return network->forward(input); });
  ASSERT_EQ(dice.size(), 2u);
  EXPECT_GT(dice[0], 0.9);
  EXPECT_GT(dice[1], 0.9);
  EXPECT_GT(trainer.history().back().pseudoDice, 0.8);
}

// float16 mode's loss scaling multiplies the loss by a power of two and divides the gradients by it:
// without autocast (the CPU) that must leave training bit for bit as it was, resumed runs included (the
// scaler's state travels in the checkpoint).
TEST(Trainer, Float16LossScalingChangesNothingWithoutAutocastAndResumesExactly) {
  at::set_num_threads(1);
  auto cases = std::make_shared<std::vector<TrainingCase>>(testing::syntheticCases(3, 20, 3));
  skipseg::testing::TemporaryDirectory folder;
  TrainerOptions plain = sgdOptions(3, 5);
  auto reference = seededNetwork(5);
  Trainer(reference, cases, cases, quickSampling(), plain).train(silentProgress());

  TrainerOptions scaled = plain;
  scaled.mixedPrecisionType = "float16";
  scaled.checkpointEvery = 1;
  scaled.checkpointPath = folder.file("checkpoint.pt");
  {
    Trainer first(seededNetwork(5), cases, cases, quickSampling(), scaled);
    first.train(silentProgress(), {}, /*stopAfterEpoch=*/1);
  }
  auto network = seededNetwork(99);
  Trainer resumed(network, cases, cases, quickSampling(), scaled);
  resumed.resume(scaled.checkpointPath);
  resumed.train(silentProgress());
  ASSERT_EQ(resumed.completedEpochs(), 3);
  for (const auto& record : resumed.history()) EXPECT_EQ(record.skippedSteps, 0) << record.epoch;
  const auto expected = reference->named_parameters();
  const auto actual = network->named_parameters();
  for (const auto& item : expected) {
    EXPECT_TRUE(at::equal(item.value(), actual[item.key()])) << item.key();
  }

  scaled.mixedPrecisionType = "float8";
  try {
    Trainer(seededNetwork(5), cases, cases, quickSampling(), scaled);
    FAIL() << "float8 accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::Usage);
    EXPECT_NE(std::string(error.what()).find("float8"), std::string::npos) << error.what();
  }
}

TEST(Trainer, ResumeGivesTheWeightsOfAnUninterruptedRun) {
  at::set_num_threads(1);
  auto cases = std::make_shared<std::vector<TrainingCase>>(testing::syntheticCases(3, 20, 3));
  skipseg::testing::TemporaryDirectory folder;
  TrainerOptions options = sgdOptions(4, 6);
  options.checkpointEvery = 1;

  auto uninterrupted = seededNetwork(5);
  Trainer whole(uninterrupted, cases, cases, quickSampling(), options);
  whole.train(silentProgress());

  options.checkpointPath = folder.file("checkpoint.pt");
  {
    Trainer first(seededNetwork(5), cases, cases, quickSampling(), options);
    first.train(silentProgress(), {}, /*stopAfterEpoch=*/2);
    ASSERT_EQ(first.completedEpochs(), 2);
  }
  auto resumedNetwork = seededNetwork(99);  // different initial weights: the checkpoint must restore them
  Trainer resumed(resumedNetwork, cases, cases, quickSampling(), options);
  resumed.resume(options.checkpointPath);
  ASSERT_EQ(resumed.completedEpochs(), 2);
  resumed.train(silentProgress());
  ASSERT_EQ(resumed.completedEpochs(), 4);

  const auto expected = uninterrupted->named_parameters();
  const auto actual = resumedNetwork->named_parameters();
  ASSERT_EQ(expected.size(), actual.size());
  for (const auto& item : expected) {
    EXPECT_TRUE(at::equal(item.value(), actual[item.key()])) << item.key();
  }
  EXPECT_EQ(whole.history().back().trainingLoss, resumed.history().back().trainingLoss);
}

// A budget of a nanosecond is spent by the first iteration: training stops after it, in the middle of
// the first epoch, with the weights of exactly one step (those of a run of one-iteration epochs stopped
// after its first epoch: the same batch, the same learning rate), and a resumed trainer adds nothing.
TEST(Trainer, AWallTimeBudgetStopsAfterTheIterationThatSpentItAndStaysStoppedOnResume) {
  at::set_num_threads(1);
  auto cases = std::make_shared<std::vector<TrainingCase>>(testing::syntheticCases(3, 20, 3));
  skipseg::testing::TemporaryDirectory folder;
  TrainerOptions options = sgdOptions(3, 6);
  options.checkpointEvery = 0;  // only the budget's stop writes one
  options.checkpointPath = folder.file("checkpoint.pt");
  options.budgetSeconds = 1e-9;
  auto budgeted = seededNetwork(5);
  Trainer trainer(budgeted, cases, cases, quickSampling(), options);
  trainer.train(silentProgress());
  ASSERT_EQ(trainer.completedEpochs(), 1);
  EXPECT_EQ(trainer.history().front().iterations, 1);
  EXPECT_TRUE(trainer.history().front().budgetSpent);
  EXPECT_TRUE(trainer.budgetSpent());
  EXPECT_EQ(trainer.completedIterations(), 1);
  const auto record = EpochRecord::fromJson(trainer.history().front().toJson());
  EXPECT_EQ(record.iterations, 1);
  EXPECT_TRUE(record.budgetSpent);

  auto reference = seededNetwork(5);
  Trainer single(reference, cases, cases, quickSampling(), sgdOptions(3, 1));
  single.train(silentProgress(), {}, /*stopAfterEpoch=*/1);
  const auto expected = reference->named_parameters();
  for (const auto& item : budgeted->named_parameters()) {
    EXPECT_TRUE(at::equal(item.value(), expected[item.key()])) << item.key();
  }

  auto resumedNetwork = seededNetwork(99);
  Trainer resumed(resumedNetwork, cases, cases, quickSampling(), options);
  resumed.resume(options.checkpointPath);
  resumed.train(silentProgress());
  EXPECT_EQ(resumed.completedEpochs(), 1);
  EXPECT_EQ(resumed.completedIterations(), 1);
  for (const auto& item : resumedNetwork->named_parameters()) {
    EXPECT_TRUE(at::equal(item.value(), expected[item.key()])) << item.key();
  }
}

TEST(Trainer, AnUnspentWallTimeBudgetChangesNothing) {
  at::set_num_threads(1);
  auto cases = std::make_shared<std::vector<TrainingCase>>(testing::syntheticCases(3, 20, 3));
  TrainerOptions options = quickOptions(2);
  options.iterationsPerEpoch = 3;
  options.budgetSeconds = 1e6;
  Trainer trainer(seededNetwork(5), cases, cases, quickSampling(), options);
  trainer.train(silentProgress());
  ASSERT_EQ(trainer.completedEpochs(), 2);
  EXPECT_EQ(trainer.completedIterations(), 6);
  EXPECT_EQ(trainer.history().back().iterations, 3);
  EXPECT_FALSE(trainer.budgetSpent());
}

TEST(Trainer, RefusesACheckpointOfAnotherNetwork) {
  auto cases = std::make_shared<std::vector<TrainingCase>>(testing::syntheticCases(1, 16, 3));
  skipseg::testing::TemporaryDirectory folder;
  TrainerOptions options = quickOptions(1);
  options.iterationsPerEpoch = 1;
  options.validationIterations = 1;
  options.checkpointPath = folder.file("checkpoint.pt");
  Trainer first(seededNetwork(1), cases, cases, quickSampling(), options);
  first.train(silentProgress());
  Trainer other(std::make_shared<testing::TinyNetwork>(3, 1, 3, 4), cases, cases, quickSampling(), options);
  try {
    other.resume(options.checkpointPath);
    FAIL() << "resume accepted a checkpoint of another network";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::BadInput);
    EXPECT_NE(std::string(error.what()).find("checkpoint.pt: checkpoint of a different network"), std::string::npos);
  }
}

}  // namespace
}  // namespace skipseg::training
