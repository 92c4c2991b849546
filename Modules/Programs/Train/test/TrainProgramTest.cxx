// skipseg-train end to end on a small synthetic dataset: a model file that loads with the plans'
// preprocessing and the dataset's labels, the curves and history, the reused cache and --resume.
#include "skipseg/core/JsonFile.h"
#include "skipseg/core/Progress.h"
#include "skipseg/model/SkipSegModelFile.h"
#include "skipseg/planning/Fingerprint.h"
#include "skipseg/planning/Plans.h"
#include "skipseg/programs/TrainProgram.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <gtest/gtest.h>
#include <itkImage.h>
#include <itkImageFileWriter.h>
#include <itkNiftiImageIOFactory.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <thread>

namespace skipseg::programs {
namespace {

using Image = itk::Image<float, 3>;

void writeCase(const skipseg::testing::TemporaryDirectory& folder, int index) {
  static const bool registered = [] {
    itk::NiftiImageIOFactory::RegisterOneFactory();
    return true;
  }();
  (void)registered;
  std::mt19937 generator(static_cast<unsigned>(index));
  std::normal_distribution<float> noise(0.0f, 10.0f);
  auto image = Image::New(), label = Image::New();
  Image::RegionType region;
  region.SetSize({24, 24, 24});
  const double spacing[3] = {2.0, 2.0, 2.0};
  for (auto& volume : {image, label}) {
    volume->SetRegions(region);
    volume->SetSpacing(spacing);
    volume->Allocate();
  }
  const double center = 10.0 + index;
  for (unsigned k = 0; k < 24; ++k) {
    for (unsigned j = 0; j < 24; ++j) {
      for (unsigned i = 0; i < 24; ++i) {
        const double d2 = (i - center) * (i - center) + (j - 12.0) * (j - 12.0) + (k - 12.0) * (k - 12.0);
        const bool inside = d2 < 36.0;
        label->SetPixel({{i, j, k}}, inside ? 1.0f : 0.0f);
        image->SetPixel({{i, j, k}}, (inside ? 200.0f : 100.0f) + noise(generator));
      }
    }
  }
  const std::string id = "case" + std::to_string(index);
  for (const auto& [volume, path] : {std::pair{image, "data/imagesTr/" + id + "_0000.nii.gz"},
                                     std::pair{label, "data/labelsTr/" + id + ".nii.gz"}}) {
    auto writer = itk::ImageFileWriter<Image>::New();
    writer->SetInput(volume);
    writer->SetFileName(folder.file(path));
    writer->Update();
  }
}

TEST(TrainProgram, TrainsAModelThatLoadsWithThePlansPreprocessingAndResumes) {
  skipseg::testing::TemporaryDirectory folder;
  std::filesystem::create_directories(folder.file("data/imagesTr"));
  std::filesystem::create_directories(folder.file("data/labelsTr"));
  std::ofstream(folder.file("data/dataset.json"))
      << R"({"channel_names": {"0": "MR"}, "labels": {"background": 0, "ball": 1}, "numTraining": 3, "file_ending": ".nii.gz"})";
  for (int index = 0; index < 3; ++index) {
    writeCase(folder, index);
  }
  planning::Dataset dataset = planning::readDataset(folder.file("data"));
  planning::checkDataset(dataset);
  planning::PlanOptions planOptions;
  planOptions.foldCount = 3;
  planOptions.baseFeatures = 4;
  planOptions.maxFeatures = 16;
  planOptions.maxPatchEdge = 16;
  const Json plans =
      planning::makePlans(dataset, planning::computeFingerprint(dataset, 1, 1000, silentProgress()), planOptions);
  writeJsonFile(folder.file("plans.json"), plans);

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

TEST(TrainProgram, RefusesAFileThatIsNotAPlansFile) {
  skipseg::testing::TemporaryDirectory folder;
  writeJsonFile(folder.file("plans.json"), Json{{"format", "something-else"}});
  EXPECT_EQ(trainMain({folder.file("plans.json"), "--output", folder.file("run"), "--log-level", "off"}), 3);
}

}  // namespace
}  // namespace skipseg::programs
