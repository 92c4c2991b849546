// skipseg-study in-process: the generated dataset, explain on freshly trained tiny models (every
// output file and its numbers), refusals before any work.
#include "skipseg/core/JsonFile.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/programs/PlanProgram.h"
#include "skipseg/programs/StudyProgram.h"
#include "skipseg/programs/TrainProgram.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>
#include <vector>

namespace fs = std::filesystem;
using skipseg::programs::studyMain;

namespace {

bool isPng(const std::string& path) {
  return fs::exists(path) && fs::file_size(path) > 1000 && fs::file_size(path) < 400000;
}

TEST(StudyProgram, GradientsNeedNoModelAndWriteTheirNumbersAndPicture) {
  skipseg::testing::TemporaryDirectory temporary;
  const std::string output = temporary.file("explain");
  ASSERT_EQ(studyMain({"explain", "--analyses", "gradients", "--depths", "2,4", "--output", output, "--log-level",
                       "warning"}),
            0);
  EXPECT_EQ(skipseg::testing::TemporaryDirectory::listingOf(output), "gradients.json gradients.png");
  EXPECT_TRUE(isPng(output + "/gradients.png"));
  const auto json = skipseg::readJsonFile(output + "/gradients.json");
  ASSERT_EQ(json["curves"].size(), 4U);  // plain and residual at depths 2 and 4
  for (const auto& curve : json["curves"]) {
    EXPECT_DOUBLE_EQ(curve["autocorrelation"][0].get<double>(), 1.0);
    EXPECT_EQ(curve["autocorrelation"].size(), 33U);
  }
  EXPECT_EQ(studyMain({"explain", "--analyses", "gradients", "--depths", "3", "--output", temporary.file("odd")}), 2);
}

TEST(StudyProgram, ShapesDatasetIsInNnUNetLayoutAndRepeatsWithItsSeed) {
  skipseg::testing::TemporaryDirectory temporary;
  const std::string first = temporary.file("a"), second = temporary.file("b");
  ASSERT_EQ(studyMain({"make-dataset", "shapes", "--cases", "2", "--slices", "2", "--output", first}), 0);
  ASSERT_EQ(studyMain({"make-dataset", "shapes", "--cases", "2", "--slices", "2", "--output", second}), 0);
  EXPECT_EQ(skipseg::testing::TemporaryDirectory::listingOf(first), "dataset.json imagesTr labelsTr");
  EXPECT_EQ(skipseg::testing::TemporaryDirectory::listingOf(first + "/imagesTr"),
            "shapes_000_0000.nii.gz shapes_001_0000.nii.gz");
  EXPECT_EQ(skipseg::testing::TemporaryDirectory::listingOf(first + "/labelsTr"),
            "shapes_000.nii.gz shapes_001.nii.gz");
  const auto json = skipseg::readJsonFile(first + "/dataset.json");
  EXPECT_EQ(json["labels"]["disk"], 1);
  EXPECT_EQ(json["labels"]["square"], 2);
  const auto bytes = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_EQ(bytes(first + "/labelsTr/shapes_001.nii.gz"), bytes(second + "/labelsTr/shapes_001.nii.gz"));
  EXPECT_EQ(studyMain({"make-dataset", "circles", "--output", temporary.file("c")}), 2);
}

TEST(StudyProgram, CtSlabsSplitTheLabelledSlicesOfARealScanKeepingWorldPositions) {
  SKIPSEG_REQUIRE_SHARED_DATA(image, "totalsegmentator/example_ct.nii.gz");
  SKIPSEG_REQUIRE_SHARED_DATA(labels, "totalsegmentator/example_seg_fast_force_split.nii.gz");
  skipseg::testing::TemporaryDirectory temporary;
  const std::string output = temporary.file("ct");
  ASSERT_EQ(studyMain({"make-dataset", "ct-slabs", "--image", image, "--labels", labels, "--keep-labels", "5,1",
                       "--label-names", "liver,spleen", "--output", output, "--log-level", "warning"}),
            0);
  const auto train = skipseg::io::readLabelImage(output + "/labelsTr/slab_train.nii.gz");
  const auto heldOut = skipseg::io::readLabelImage(output + "/labelsTr/slab_heldout.nii.gz");
  const auto trainImage = skipseg::io::readImage(output + "/imagesTr/slab_train_0000.nii.gz").image;
  // Liver (5) and spleen (1) span slices 69..111 of the 112: 43 slices, the upper 35 % (15) held out.
  EXPECT_EQ(train->GetLargestPossibleRegion().GetSize()[2], 28U);
  EXPECT_EQ(heldOut->GetLargestPossibleRegion().GetSize()[2], 15U);
  EXPECT_EQ(trainImage->GetLargestPossibleRegion().GetSize()[0], 122U);
  // The held-out slab starts where the training slab ends, in the patient.
  itk::Point<double, 3> expected;
  train->TransformIndexToPhysicalPoint({{0, 0, 28}}, expected);
  for (unsigned axis = 0; axis < 3; ++axis) {
    EXPECT_NEAR(heldOut->GetOrigin()[axis], expected[axis], 1e-3);
  }
  std::size_t liver = 0, spleen = 0, other = 0;
  for (const auto* slab : {train.GetPointer(), heldOut.GetPointer()}) {
    const auto* voxels = slab->GetBufferPointer();
    for (std::size_t v = 0; v < slab->GetLargestPossibleRegion().GetNumberOfPixels(); ++v) {
      liver += voxels[v] == 1 ? 1 : 0;
      spleen += voxels[v] == 2 ? 1 : 0;
      other += voxels[v] > 2 ? 1 : 0;
    }
  }
  // Every liver and spleen voxel of the scan (shared/data/README.md), nothing else.
  EXPECT_EQ(liver, 41692U);
  EXPECT_EQ(spleen, 9668U);
  EXPECT_EQ(other, 0U);
}

// Two tiny 2D networks trained for a few iterations: residual blocks and plain units.
class TrainedPair : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    temporary_ = new skipseg::testing::TemporaryDirectory();
    const std::string dataset = temporary_->file("shapes");
    ASSERT_EQ(studyMain({"make-dataset", "shapes", "--cases", "3", "--slices", "4", "--output", dataset, "--log-level",
                         "warning"}),
              0);
    const std::string plans = temporary_->file("plans.json");
    ASSERT_EQ(skipseg::programs::planMain({dataset, "--output", plans, "--folds", "3", "--log-level", "warning"}), 0);
    for (const std::string block : {"residual", "conv"}) {
      const std::string options = "{\"block\": \"" + block +
                                  "\", \"blocks_per_stage\": 2, \"base_features\": 4, \"depth\": 2, "
                                  "\"deep_supervision\": false}";
      ASSERT_EQ(skipseg::programs::trainMain({plans,
                                              "--configuration",
                                              "2d",
                                              "--network",
                                              "unet",
                                              "--network-options",
                                              options,
                                              "--epochs",
                                              "1",
                                              "--iterations",
                                              "4",
                                              "--validation-iterations",
                                              "1",
                                              "--batch-size",
                                              "2",
                                              "--threads",
                                              "0",
                                              "--output",
                                              temporary_->file(block),
                                              "--log-level",
                                              "warning"}),
                0);
    }
  }
  static void TearDownTestSuite() { delete temporary_; }
  static skipseg::testing::TemporaryDirectory* temporary_;
};
skipseg::testing::TemporaryDirectory* TrainedPair::temporary_ = nullptr;

TEST_F(TrainedPair, LandscapeAndLesionDescribeBothModels) {
  const std::string output = temporary_->file("explain");
  ASSERT_EQ(studyMain({"explain", temporary_->file("residual"), "--compare", temporary_->file("conv"), "--analyses",
                       "landscape,lesion", "--grid", "5", "--batch", "2", "--lesion-draws", "2", "--output", output,
                       "--log-level", "warning"}),
            0);
  EXPECT_EQ(skipseg::testing::TemporaryDirectory::listingOf(output),
            "landscape.json landscape_contours.png landscape_surface.png lesion.json lesion.png");
  EXPECT_TRUE(isPng(output + "/landscape_contours.png"));
  EXPECT_TRUE(isPng(output + "/landscape_surface.png"));
  EXPECT_TRUE(isPng(output + "/lesion.png"));
  const auto landscape = skipseg::readJsonFile(output + "/landscape.json");
  ASSERT_EQ(landscape["models"].size(), 2U);
  for (const auto& model : landscape["models"]) {
    ASSERT_EQ(model["loss"].size(), 5U);
    // The centre of the grid is the trained weights.
    EXPECT_NEAR(model["loss"][2][2].get<double>(), model["centre_loss"].get<double>(), 1e-9);
  }
  const auto lesion = skipseg::readJsonFile(output + "/lesion.json");
  ASSERT_EQ(lesion["models"].size(), 2U);
  // depth 2: 5 stages of 2 blocks; residual: all 10 blocks; plain: the second unit of each stage.
  EXPECT_EQ(lesion["models"][0]["blocks"].size(), 10U);
  EXPECT_EQ(lesion["models"][1]["blocks"].size(), 5U);
  EXPECT_EQ(lesion["models"][1]["blocks"][0]["kind"], "plain");
  EXPECT_EQ(lesion["models"][0]["random_deletions"].size(), 10U);
}

TEST_F(TrainedPair, RefusesAFolderWithoutModelBeforeAnyWork) {
  const std::string output = temporary_->file("refused");
  EXPECT_EQ(studyMain({"explain", temporary_->file("residual"), "--compare", temporary_->file("shapes"), "--output",
                       output, "--log-level", "error"}),
            3);
  EXPECT_FALSE(fs::exists(output) && !fs::is_empty(output));
}

}  // namespace

namespace {

// A shapes dataset of 3 cases of 3 images and a variants file of tiny U-Nets named `name` with the
// extra options `options` (JSON members, may be empty).
void writeTinyGrid(skipseg::testing::TemporaryDirectory& temporary,
                   const std::vector<std::pair<std::string, std::string>>& variants) {
  ASSERT_EQ(studyMain({"make-dataset", "shapes", "--cases", "3", "--slices", "3", "--output", temporary.file("shapes"),
                       "--log-level", "warning"}),
            0);
  std::ofstream file(temporary.file("variants.json"));
  file << "{\"variants\": [";
  for (std::size_t v = 0; v < variants.size(); ++v) {
    file << (v == 0 ? "" : ", ") << "{\"name\": \"" << variants[v].first
         << "\", \"network\": \"unet\", \"options\": {\"base_features\": 4, \"depth\": 2, \"deep_supervision\": false"
         << (variants[v].second.empty() ? "" : ", ") << variants[v].second << "}}";
  }
  file << "]}";
}

TEST(StudyAblate, TwoTinyVariantsRunEndToEndAndAnInterruptedGridResumes) {
  skipseg::testing::TemporaryDirectory temporary;
  ASSERT_NO_FATAL_FAILURE(writeTinyGrid(temporary, {{"long-concat", ""}, {"no-long", "\"long_skips\": \"none\""}}));
  const std::string dataset = temporary.file("shapes");
  const std::string variants = temporary.file("variants.json");
  const std::string output = temporary.file("grid");
  const std::vector<std::string> arguments{"ablate",   dataset, "--variants",   variants, "--folds",      "3",
                                           "--epochs", "1",     "--iterations", "2",      "--batch-size", "2",
                                           "--output", output,  "--log-level",  "warning"};
  ASSERT_EQ(studyMain(arguments), 0);
  for (const char* name : {"ablation.json", "ablation.csv", "ablation.png", "plans.json",
                           "variants/long-concat/result.json", "variants/no-long/result.json"}) {
    EXPECT_TRUE(fs::exists(fs::path(output) / name)) << name;
  }
  const auto table = skipseg::readJsonFile(output + "/ablation.json");
  ASSERT_EQ(table["variants"].size(), 2U);
  const auto& concat = table["variants"][0];
  const auto& none = table["variants"][1];
  EXPECT_EQ(concat["name"], "long-concat");
  // Without long skips the decoder's first units read half the channels: fewer parameters.
  EXPECT_LT(none["parameters"].get<std::int64_t>(), concat["parameters"].get<std::int64_t>());
  EXPECT_GT(concat["flops_per_patch"].get<double>(), 0.0);
  EXPECT_GT(concat["training_seconds"].get<double>(), 0.0);
  EXPECT_EQ(concat["held_out_cases"].size(), 1U);
  EXPECT_EQ(concat["training_iterations"], 2);  // no wall-time budget: epochs x iterations
  EXPECT_EQ(concat["budget_spent"], false);
  for (const auto& row : table["variants"]) {
    for (const char* label : {"disk", "square"}) {
      const double dice = row["labels"][label]["dice"].get<double>();
      EXPECT_GE(dice, 0.0);
      EXPECT_LE(dice, 1.0);
      // A structure a variant never finds has no finite HD95: null, never a string.
      const auto& hd95 = row["labels"][label]["hd95_mm"];
      EXPECT_TRUE(hd95.is_null() || hd95.get<double>() >= 0.0) << hd95;
    }
  }
  std::ifstream csv(output + "/ablation.csv");
  std::string header, first, second, extra;
  std::getline(csv, header);
  std::getline(csv, first);
  std::getline(csv, second);
  EXPECT_EQ(header,
            "variant,network,parameters,flops_per_patch,training_iterations,training_seconds,inference_seconds,"
            "mean_dice,mean_hd95_mm,dice_disk,hd95_mm_disk,dice_square,hd95_mm_square");
  EXPECT_EQ(first.rfind("long-concat,unet,", 0), 0U) << first;
  EXPECT_FALSE(std::getline(csv, extra));

  // Interrupted after the first variant, during the second's evaluation: its result and model are
  // missing, its checkpoint is there. The rerun keeps the first as it is and finishes the second from
  // its checkpoint with the same weights.
  const auto firstResult = output + "/variants/long-concat/result.json";
  const auto firstTime = fs::last_write_time(firstResult);
  const auto secondResult = skipseg::readJsonFile(output + "/variants/no-long/result.json");
  fs::remove(output + "/variants/no-long/result.json");
  fs::remove(output + "/variants/no-long/model.ssm");
  ASSERT_TRUE(fs::exists(output + "/variants/no-long/checkpoint_latest.pt"));
  ASSERT_EQ(studyMain(arguments), 0);
  EXPECT_EQ(fs::last_write_time(firstResult), firstTime);
  const auto resumed = skipseg::readJsonFile(output + "/variants/no-long/result.json");
  EXPECT_EQ(resumed["labels"], secondResult["labels"]);
  EXPECT_EQ(resumed["parameters"], secondResult["parameters"]);

  // The same OUTPUT with another budget is refused rather than mixed.
  auto changed = arguments;
  changed[9] = "3";  // --iterations
  EXPECT_EQ(studyMain(changed), 6);
}

// A wall-time budget of a microsecond is spent by the first iteration of each variant: each reports
// one training iteration instead of 2 x 3. A variant whose model and result are lost keeps its spent
// budget on resume (its checkpoint's history ends there) and gives the same result; another budget,
// or none, is refused on the same OUTPUT.
TEST(StudyAblate, AWallTimeBudgetStopsEachVariantAndIsPartOfTheGridsSettings) {
  skipseg::testing::TemporaryDirectory temporary;
  ASSERT_NO_FATAL_FAILURE(
      writeTinyGrid(temporary, {{"attention", "\"long_skips\": \"attention\""}, {"dense", "\"block\": \"dense\""}}));
  const std::string dataset = temporary.file("shapes");
  const std::string variants = temporary.file("variants.json");
  const std::string output = temporary.file("grid");
  std::vector<std::string> arguments{"ablate",   dataset, "--variants",   variants,  "--folds",          "3",
                                     "--epochs", "2",     "--iterations", "3",       "--batch-size",     "2",
                                     "--output", output,  "--log-level",  "warning", "--budget-seconds", "0.000001"};
  ASSERT_EQ(studyMain(arguments), 0);
  const auto table = skipseg::readJsonFile(output + "/ablation.json");
  ASSERT_EQ(table["variants"].size(), 2U);
  for (const auto& row : table["variants"]) {
    EXPECT_EQ(row["training_iterations"], 1) << row["name"];
    EXPECT_EQ(row["budget_spent"], true) << row["name"];
    EXPECT_EQ(row["settings"]["budget_seconds"], 1e-6);
  }
  std::ifstream csv(output + "/ablation.csv");
  std::string header, first;
  std::getline(csv, header);
  std::getline(csv, first);
  EXPECT_EQ(first.rfind("attention,unet,", 0), 0U) << first;
  const auto model = skipseg::readJsonFile(output + "/variants/dense/training_history.json");
  ASSERT_EQ(model["history"].size(), 1U);
  EXPECT_EQ(model["history"][0]["iterations"], 1);

  const auto lost = skipseg::readJsonFile(output + "/variants/dense/result.json");
  fs::remove(output + "/variants/dense/result.json");
  fs::remove(output + "/variants/dense/model.ssm");
  ASSERT_EQ(studyMain(arguments), 0);
  const auto redone = skipseg::readJsonFile(output + "/variants/dense/result.json");
  EXPECT_EQ(redone["training_iterations"], 1);
  EXPECT_EQ(redone["labels"], lost["labels"]);

  auto otherBudget = arguments;
  otherBudget.back() = "0.5";
  EXPECT_EQ(studyMain(otherBudget), 6);
  const std::vector<std::string> noBudget(arguments.begin(), arguments.end() - 2);
  EXPECT_EQ(studyMain(noBudget), 6);
}

TEST(StudyAblate, RefusesABadVariantsFileBeforeTraining) {
  skipseg::testing::TemporaryDirectory temporary;
  const std::string variants = temporary.file("variants.json");
  std::ofstream(variants) << "{\"variants\": [{\"name\": \"a\", \"network\": \"unet\"}, {\"name\": \"a\", "
                             "\"network\": \"unet\"}]}";
  EXPECT_EQ(studyMain({"ablate", temporary.file("missing"), "--variants", variants, "--output", temporary.file("grid"),
                       "--log-level", "error"}),
            3);
  EXPECT_FALSE(fs::exists(temporary.file("grid")));
}

}  // namespace
