// skipseg-plan end to end on a small synthetic dataset: the plans a user gets, and the one-line error
// with exit code 3 (and no plans file) when a case is broken.
#include "skipseg/core/JsonFile.h"
#include "skipseg/programs/PlanProgram.h"
#include "skipseg/testing/RunProgram.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <gtest/gtest.h>
#include <itkImage.h>
#include <itkImageFileWriter.h>
#include <itkNiftiImageIOFactory.h>

#include <filesystem>
#include <fstream>

namespace skipseg::programs {
namespace {

using Image = itk::Image<float, 3>;

void writeVolume(const std::string& path, const std::array<double, 3>& spacing, float foregroundValue) {
  static const bool registered = [] {
    itk::NiftiImageIOFactory::RegisterOneFactory();
    return true;
  }();
  (void)registered;
  auto image = Image::New();
  Image::RegionType region;
  region.SetSize({32, 32, 16});
  image->SetRegions(region);
  image->SetSpacing(spacing.data());
  image->Allocate();
  image->FillBuffer(0.0f);
  for (unsigned k = 4; k < 12; ++k) {
    for (unsigned j = 8; j < 24; ++j) {
      for (unsigned i = 8; i < 24; ++i) {
        image->SetPixel({{i, j, k}}, foregroundValue);
      }
    }
  }
  auto writer = itk::ImageFileWriter<Image>::New();
  writer->SetInput(image);
  writer->SetFileName(path);
  writer->Update();
}

void writeDataset(const skipseg::testing::TemporaryDirectory& folder, float secondLabelValue) {
  std::filesystem::create_directories(folder.file("data/imagesTr"));
  std::filesystem::create_directories(folder.file("data/labelsTr"));
  std::ofstream(folder.file("data/dataset.json"))
      << R"({"channel_names": {"0": "CT"}, "labels": {"background": 0, "organ": 1}, "numTraining": 3, "file_ending": ".nii.gz"})";
  const std::vector<std::array<double, 3>> spacings{{0.8, 0.8, 5.0}, {0.8, 0.8, 4.0}, {0.8, 0.8, 6.0}};
  for (int n = 0; n < 3; ++n) {
    const std::string id = "ct" + std::to_string(n);
    writeVolume(folder.file("data/imagesTr/" + id + "_0000.nii.gz"), spacings[n], 100.0f + 10.0f * n);
    writeVolume(folder.file("data/labelsTr/" + id + ".nii.gz"), spacings[n], n == 2 ? secondLabelValue : 1.0f);
  }
}

TEST(PlanProgram, WritesPlansWithTheCtSchemeAndAnisotropicTopology) {
  skipseg::testing::TemporaryDirectory folder;
  writeDataset(folder, 1.0f);
  const std::string plansPath = folder.file("plans.json");
  ASSERT_EQ(planMain({folder.file("data"), "--output", plansPath, "--folds", "3", "--log-level", "error"}), 0);
  const Json plans = readJsonFile(plansPath);
  EXPECT_EQ(plans.at("format"), "skipseg-plans/1");
  EXPECT_EQ(plans.at("folds").size(), 3u);
  const Json& configuration = plans.at("configurations").at("3d_fullres");
  const auto spacing = configuration.at("spacing").get<std::vector<double>>();  // NIfTI stores float32
  ASSERT_EQ(spacing.size(), 3u);
  EXPECT_NEAR(spacing[0], 0.8, 1e-6);
  EXPECT_NEAR(spacing[1], 0.8, 1e-6);
  EXPECT_DOUBLE_EQ(spacing[2], 5.0);  // the median, not the 10th percentile: 8 slices are not few
  EXPECT_EQ(configuration.at("normalization").at(0).at("scheme"), "ct");
  // z at 5 mm against 0.8 mm in-plane: the first stages must not pool z and use kernel 1 along it.
  EXPECT_EQ(configuration.at("pool_kernels").at(1).at(0), 1);
  EXPECT_EQ(configuration.at("conv_kernels").at(0).at(0), 1);
  EXPECT_EQ(plans.at("fingerprint").at("foreground_intensities").at(0).at("mean"), 110.0);
}

TEST(PlanProgram, PlansNameEveryFileSoThatTrainingCanRunFromAnotherFolder) {
  skipseg::testing::TemporaryDirectory folder;
  writeDataset(folder, 1.0f);
  // The user plans from the dataset's parent folder with a relative path...
  const auto previous = std::filesystem::current_path();
  std::filesystem::current_path(folder.path());
  const int code = planMain({"data", "--output", "plans.json", "--log-level", "warning"});
  std::filesystem::current_path(previous);
  ASSERT_EQ(code, 0);
  // ...and every path in the plans still leads to its file from anywhere else.
  const auto plans = skipseg::readJsonFile(folder.file("plans.json"));
  for (const auto& entry : plans.at("dataset").at("cases")) {
    for (const auto& image : entry.at("images")) {
      EXPECT_TRUE(std::filesystem::path(image.get<std::string>()).is_absolute()) << image;
      EXPECT_TRUE(std::filesystem::exists(image.get<std::string>())) << image;
    }
    EXPECT_TRUE(std::filesystem::exists(entry.at("label").get<std::string>())) << entry.at("label");
  }
}

TEST(PlanProgram, NamesTheBrokenCaseAndWritesNothing) {
  skipseg::testing::TemporaryDirectory folder;
  writeDataset(folder, 4.0f);
  const std::string plansPath = folder.file("plans.json");
  const auto result = skipseg::testing::runProgram(skipseg::testing::binaryDir() + "/skipseg-plan",
                                                   {folder.file("data"), "--output", plansPath});
  EXPECT_EQ(result.exitCode, 3);
  EXPECT_NE(result.standardError.find("ct2.nii.gz: case ct2: label value 4 is not in dataset.json"), std::string::npos)
      << result.standardError;
  EXPECT_FALSE(std::filesystem::exists(plansPath));
}

}  // namespace
}  // namespace skipseg::programs
