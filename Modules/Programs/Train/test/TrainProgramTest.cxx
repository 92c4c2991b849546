// skipseg-train end to end on a small synthetic dataset: a model file that loads with the plans'
// preprocessing and the dataset's labels, the curves and history, the reused cache and --resume.
#include "SyntheticTrainingData.h"
#include "skipseg/core/JsonFile.h"
#include "skipseg/core/Progress.h"
#include "skipseg/model/SkipSegModelFile.h"
#include "skipseg/programs/TrainProgram.h"
#include "skipseg/testing/RunProgram.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

namespace skipseg::programs {
namespace {

TEST(TrainProgram, TrainsAModelThatLoadsWithThePlansPreprocessingAndResumes) {
  skipseg::testing::TemporaryDirectory folder;
  const Json plans = writeBallDatasetAndPlans(folder, 3);

  const std::string output = folder.file("run");
  const std::vector<std::string> common{folder.file("plans.json"),
                                        "--output",
                                        output,
                                        "--network",
                                        "unet",
                                        "--iterations",
                                        "4",
                                        "--validation-iterations",
                                        "2",
                                        "--batch-size",
                                        "2",
                                        "--optimizer",
                                        "adamw",
                                        "--threads",
                                        "1",
                                        "--device",
                                        "cpu",
                                        "--log-level",
                                        "warning"};
  auto withEpochs = [&](const std::string& epochs, bool resume) {
    auto arguments = common;
    arguments.insert(arguments.end(), {"--epochs", epochs});
    if (resume) {
      arguments.push_back("--resume");
    }
    return arguments;
  };
  // training.log fills while training goes on (not only when it ends), at info level although the
  // console shows only warnings: a thread watches it during the run.
  const std::string logPath = output + "/training.log";
  std::atomic<bool> trainingDone{false};
  std::atomic<bool> logHadLinesDuringTraining{false};
  std::thread watcher([&] {
    while (!trainingDone) {
      std::error_code error;
      if (std::filesystem::file_size(logPath, error) > 0 && !error) {
        logHadLinesDuringTraining = true;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  const int trained = trainMain(withEpochs("2", false));
  trainingDone = true;
  watcher.join();
  ASSERT_EQ(trained, 0);
  EXPECT_TRUE(logHadLinesDuringTraining);
  {
    std::ifstream logFile(logPath);
    const std::string log((std::istreambuf_iterator<char>(logFile)), std::istreambuf_iterator<char>());
    EXPECT_NE(log.find("[info] training unet"), std::string::npos) << log;
    EXPECT_NE(log.find("[info] epoch 2/2:"), std::string::npos) << log;
    EXPECT_NE(log.find("[info] validation mean Dice"), std::string::npos) << log;
  }
  for (const char* name : {"model.ssm", "checkpoint_latest.pt", "training.log", "training_history.json",
                           "training_curves.png", "validation.json"}) {
    const bool drawn = SKIPSEG_TESTS_HAVE_VTK || std::string(name) != "training_curves.png";
    EXPECT_EQ(std::filesystem::exists(output + "/" + name), drawn) << name;
  }
  const auto cached = std::filesystem::last_write_time(output + "/cache/3d_fullres/case0_image.f32");

  // The model carries what skipseg-segment needs: the plans' spacing, patch and normalisation, the labels.
  const auto networks = model::readSkipSegModel(output + "/model.ssm");
  ASSERT_EQ(networks.size(), 1u);
  const ModelDescription& description = networks[0].description;
  EXPECT_EQ(description.spacing, (std::array<double, 3>{2.0, 2.0, 2.0}));
  EXPECT_EQ(description.patchSize,
            plans.at("configurations").at("3d_fullres").at("patch_size").get<std::vector<int>>());
  EXPECT_EQ(description.axisOrder, "zyx");
  ASSERT_EQ(description.labels.size(), 2u);
  EXPECT_EQ(description.labels[1].name, "ball");
  EXPECT_EQ(description.normalization.at(0).scheme, NormalizationSpec::Scheme::ZScore);
  EXPECT_EQ(networks[0].network->configuration().at("architecture"), "unet");

  // Resuming to 3 epochs adds one epoch, keeps the first two and reuses the cache.
  ASSERT_EQ(trainMain(withEpochs("3", true)), 0);
  const Json history = readJsonFile(output + "/training_history.json").at("history");
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[2].at("epoch"), 3);
  EXPECT_EQ(std::filesystem::last_write_time(output + "/cache/3d_fullres/case0_image.f32"), cached);
  const Json validation = readJsonFile(output + "/validation.json");
  EXPECT_TRUE(validation.at("dice").contains("ball"));

  // Training again into the folder without --resume is refused (one line, exit 6), and nothing changes.
  auto bytesOf = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string model = bytesOf(output + "/model.ssm");
  const std::string checkpoint = bytesOf(output + "/checkpoint_latest.pt");
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(trainMain(withEpochs("1", false)), 6);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "skipseg-train: error: " + output +
                ": holds a trained model (model.ssm and checkpoint_latest.pt); give --resume to continue its training "
                "or --overwrite to replace it\n");
  EXPECT_EQ(bytesOf(output + "/model.ssm"), model);
  EXPECT_EQ(bytesOf(output + "/checkpoint_latest.pt"), checkpoint);
  EXPECT_EQ(readJsonFile(output + "/training_history.json").at("history").size(), 3u);

  // --overwrite trains a new model in its place: one epoch of history, not four.
  auto overwrite = withEpochs("1", false);
  overwrite.push_back("--overwrite");
  ASSERT_EQ(trainMain(overwrite), 0);
  EXPECT_EQ(readJsonFile(output + "/training_history.json").at("history").size(), 1u);
  EXPECT_NE(bytesOf(output + "/model.ssm"), model);
}

TEST(TrainProgram, ResumeAndOverwriteTogetherAreAUsageError) {
  skipseg::testing::TemporaryDirectory folder;
  EXPECT_EQ(trainMain({folder.file("plans.json"), "--output", folder.file("run"), "--resume", "--overwrite",
                       "--log-level", "off"}),
            2);
  EXPECT_EQ(folder.listing(), "");
}

TEST(TrainProgram, MixedPrecisionTypeIsCheckedBeforeAnyWork) {
  skipseg::testing::TemporaryDirectory folder;
  const std::string plans = folder.file("plans.json"), run = folder.file("run");  // neither exists
  const auto unknown =
      skipseg::testing::runProgram("skipseg-train", {plans, "--output", run, "--mixed-precision", "float8"});
  EXPECT_EQ(unknown.exitCode, 2);
  EXPECT_NE(unknown.standardError.find("float8"), std::string::npos) << unknown.standardError;
  const auto both = skipseg::testing::runProgram(
      "skipseg-train", {plans, "--output", run, "--mixed-precision", "float16", "--no-mixed-precision"});
  EXPECT_EQ(both.exitCode, 2);
  EXPECT_NE(both.standardError.find("--no-mixed-precision and --mixed-precision contradict each other"),
            std::string::npos)
      << both.standardError;
  EXPECT_EQ(folder.listing(), "");
}

TEST(TrainProgram, RefusesAFileThatIsNotAPlansFile) {
  skipseg::testing::TemporaryDirectory folder;
  writeJsonFile(folder.file("plans.json"), Json{{"format", "something-else"}});
  EXPECT_EQ(trainMain({folder.file("plans.json"), "--output", folder.file("run"), "--log-level", "off"}), 3);
}

}  // namespace
}  // namespace skipseg::programs
