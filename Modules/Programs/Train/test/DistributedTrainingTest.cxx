// skipseg-train as a data-parallel job of two processes over Gloo on loopback, started the way torchrun
// starts them (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT): the weights equal those of one
// process with the same global batch, and a rank that dies stops the other with an error naming it.
#include "SyntheticTrainingData.h"
#include "skipseg/model/SkipSegModelFile.h"
#include "skipseg/programs/TrainProgram.h"
#include "skipseg/testing/FreePort.h"
#include "skipseg/testing/RunProgram.h"
#include "skipseg/testing/TestData.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <thread>

namespace skipseg::programs {
namespace {

using skipseg::testing::StartedProgram;

std::vector<std::string> trainArguments(const skipseg::testing::TemporaryDirectory& folder, const std::string& output,
                                        int iterations, int epochs = 1) {
  return {folder.file("plans.json"),
          "--output",
          output,
          "--cache",
          folder.file("cache"),
          "--network",
          "unet",
          "--epochs",
          std::to_string(epochs),
          "--iterations",
          std::to_string(iterations),
          "--validation-iterations",
          "2",
          "--batch-size",
          "4",
          "--optimizer",
          "sgd",
          "--threads",
          "1",
          "--torch-threads",
          "1",
          "--device",
          "cpu",
          "--log-level",
          "warning"};
}

// One rank of a two-process job: skipseg-train under env(1) with the launcher's variables.
std::unique_ptr<StartedProgram> startRank(int rank, int port, std::vector<std::string> arguments) {
  std::vector<std::string> command{
      "RANK=" + std::to_string(rank),        "WORLD_SIZE=2",
      "LOCAL_RANK=" + std::to_string(rank),  "MASTER_ADDR=127.0.0.1",
      "MASTER_PORT=" + std::to_string(port), skipseg::testing::binaryDir() + "/skipseg-train"};
  command.insert(command.end(), arguments.begin(), arguments.end());
  return std::make_unique<StartedProgram>("/usr/bin/env", command);
}

std::string lastLine(const std::string& text) {
  const auto end = text.find_last_not_of('\n');
  if (end == std::string::npos) {
    return "";
  }
  const auto begin = text.rfind('\n', end);
  return text.substr(begin == std::string::npos ? 0 : begin + 1,
                     end - (begin == std::string::npos ? 0 : begin + 1) + 1);
}

// The largest absolute difference between the parameters of two model files of the same network.
double largestWeightDifference(const std::string& first, const std::string& second) {
  const auto one = model::readSkipSegModel(first);
  const auto two = model::readSkipSegModel(second);
  EXPECT_EQ(one.size(), 1u);
  EXPECT_EQ(two.size(), 1u);
  const auto expected = one.at(0).network->named_parameters();
  const auto actual = two.at(0).network->named_parameters();
  EXPECT_EQ(expected.size(), actual.size());
  double largest = 0;
  for (const auto& item : expected) {
    const at::Tensor* other = actual.find(item.key());
    if (other == nullptr) {
      ADD_FAILURE() << "no parameter " << item.key() << " in " << second;
      return std::numeric_limits<double>::infinity();
    }
    largest = std::max(largest, (item.value() - *other).abs().max().item<double>());
  }
  return largest;
}

TEST(DistributedTraining, TwoGlooRanksGiveTheWeightsOfOneProcessWithTheGlobalBatch) {
  skipseg::testing::TemporaryDirectory folder;
  writeBallDatasetAndPlans(folder, 3);
  // Every rank (and the single process) prepares the cache alike; the single run fills it first.
  const auto single = skipseg::testing::runProgram("skipseg-train", trainArguments(folder, folder.file("single"), 3));
  ASSERT_EQ(single.exitCode, 0) << single.standardError;

  auto arguments = trainArguments(folder, folder.file("pair"), 3);
  arguments.push_back("--distributed");
  const int port = skipseg::testing::freeTcpPort();
  auto rank0 = startRank(0, port, arguments);
  auto rank1 = startRank(1, port, arguments);
  const auto result1 = rank1->wait();
  const auto result0 = rank0->wait();
  ASSERT_EQ(result0.exitCode, 0) << result0.standardError;
  ASSERT_EQ(result1.exitCode, 0) << result1.standardError;

  const double largest = largestWeightDifference(folder.file("single/model.ssm"), folder.file("pair/model.ssm"));
  // Only the order of floating-point sums differs (two half-batch gradient reductions added by the allreduce
  // against one reduction over the batch): 3e-8 here after 3 steps. Max-pooling choices between near-equal
  // values can turn such a difference into a larger one (3e-6 on the Slurm test's data after 3 steps, 5e-6
  // here after 6). A job of one rank is bit-identical to one process.
  EXPECT_LT(largest, 1e-5);
  std::cout << "largest weight difference between 1 process and 2 ranks: " << largest << "\n";

  // Rank 0 alone writes the results.
  for (const char* name : {"model.ssm", "checkpoint_latest.pt", "training.log", "training_history.json"}) {
    EXPECT_TRUE(std::filesystem::exists(folder.file(std::string("pair/") + name))) << name;
  }

  // Resuming with another world size: the pair's checkpoint continued by one process for a second epoch (of
  // one iteration) ends where one process's two epochs end (sampling depends on the global batch only).
  for (const char* run : {"single", "pair"}) {
    auto resume = trainArguments(folder, folder.file(run), 1, 2);
    resume.push_back("--resume");
    const auto resumed = skipseg::testing::runProgram("skipseg-train", resume);
    ASSERT_EQ(resumed.exitCode, 0) << resumed.standardError;
  }
  const double afterResume = largestWeightDifference(folder.file("single/model.ssm"), folder.file("pair/model.ssm"));
  EXPECT_LT(afterResume, 1e-5);
  std::cout << "after a second epoch resumed by 1 process: " << afterResume << "\n";
}

TEST(DistributedTraining, ARankThatDiesOrHangsStopsTheOtherWithAnErrorNamingIt) {
  skipseg::testing::TemporaryDirectory folder;
  writeBallDatasetAndPlans(folder, 3);
  constexpr int kTimeout = 10;  // --distributed-timeout
  // Rank 1 dies (it only computes), rank 0 dies (it also serves the rendezvous store), rank 1 hangs (stopped:
  // its connections stay open, so only the collective's timeout ends the wait).
  const std::vector<std::pair<int, int>> failures{{1, SIGKILL}, {0, SIGKILL}, {1, SIGSTOP}};
  for (const auto& [victim, signal] : failures) {
    const std::string what = std::string(signal == SIGKILL ? "killed" : "stopped") + " rank " + std::to_string(victim);
    SCOPED_TRACE(what);
    const std::string output = folder.file("run" + std::to_string(victim) + "-" + std::to_string(signal));
    auto arguments = trainArguments(folder, output, 100000);
    arguments.insert(arguments.end(), {"--distributed", "--distributed-timeout", std::to_string(kTimeout)});
    const int port = skipseg::testing::freeTcpPort();
    std::unique_ptr<StartedProgram> ranks[2] = {startRank(0, port, arguments), startRank(1, port, arguments)};
    // Training has begun once rank 0 logged its plan (after the cache and the rendezvous).
    const auto begin = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - begin < std::chrono::seconds(120)) {
      std::ifstream log(output + "/training.log");
      const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
      if (text.find("(rank 0 of 2: 2 samples of each batch)") != std::string::npos) {
        break;
      }
      ASSERT_FALSE(ranks[0]->finished()) << ranks[0]->standardError();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::seconds(2));  // into the iterations
    ranks[victim]->signal(signal);
    const auto failed = std::chrono::steady_clock::now();
    StartedProgram& survivor = *ranks[1 - victim];
    while (!survivor.finished() && std::chrono::steady_clock::now() - failed < std::chrono::seconds(60)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(survivor.finished()) << "the surviving rank still runs a minute after the other was " << what;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - failed).count();
    EXPECT_LT(seconds, kTimeout + 10.0);  // the configured timeout, then the heartbeat check (3 s) and slack
    const auto result = survivor.wait();
    EXPECT_EQ(result.exitCode, 1);
    const std::string error = lastLine(result.standardError);
    EXPECT_EQ(error.rfind("skipseg-train: error: lost rank " + std::to_string(victim) + " of 2 during ", 0), 0u)
        << result.standardError;
    std::cout << "rank " << 1 - victim << " stopped " << seconds << " s after " << what << ": " << error << "\n";
    ranks[victim].reset();  // SIGKILL, also for the stopped one
  }
}

TEST(DistributedTraining, LauncherMistakesAreUsageErrorsBeforeAnyWork) {
  skipseg::testing::TemporaryDirectory folder;
  writeBallDatasetAndPlans(folder, 3);
  const std::vector<std::string> base{folder.file("plans.json"), "--output", folder.file("run"), "--log-level", "off"};
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.begin(), base.begin(), base.end());
    return extra;
  };
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(trainMain(with({"--distributed"})), 2);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find(
                "error: --distributed needs the launcher's variables (WORLD_SIZE, RANK, MASTER_ADDR, MASTER_PORT)"),
            std::string::npos);

  // A global batch the ranks cannot share is refused before the cache or the rendezvous.
  const std::vector<std::pair<const char*, const char*>> launcher{
      {"WORLD_SIZE", "2"}, {"RANK", "0"}, {"MASTER_ADDR", "127.0.0.1"}, {"MASTER_PORT", "29500"}};
  for (const auto& [name, value] : launcher) {
    ::setenv(name, value, 1);
  }
  ::testing::internal::CaptureStderr();
  const int code = trainMain(with({"--batch-size", "3"}));
  const std::string error = ::testing::internal::GetCapturedStderr();
  for (const auto& variable : launcher) {
    ::unsetenv(variable.first);
  }
  EXPECT_EQ(code, 2);
  EXPECT_NE(error.find("error: the batch size 3 is not a multiple of the 2 ranks (WORLD_SIZE)"), std::string::npos)
      << error;
  EXPECT_FALSE(std::filesystem::exists(folder.file("run/cache")));
}

}  // namespace
}  // namespace skipseg::programs
