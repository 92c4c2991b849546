// Dataset layouts, the checks users rely on (the failing case is named) and the fingerprint of a
// synthetic dataset whose statistics are known by construction.
#include "skipseg/core/Error.h"
#include "skipseg/core/Progress.h"
#include "skipseg/planning/Dataset.h"
#include "skipseg/planning/Fingerprint.h"
#include "skipseg/planning/Plans.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <gtest/gtest.h>
#include <itkImage.h>
#include <itkImageFileWriter.h>
#include <itkNiftiImageIOFactory.h>

#include <filesystem>
#include <fstream>

namespace skipseg::planning {
namespace {

using Image = itk::Image<float, 3>;

// A volume of `size` at `spacing`: zero outside a box [2, size-2) on every axis, `inside` within it,
// `ball` in a 4-voxel cube at the box's corner (the foreground of the label written with it).
void writeVolume(const std::string& path, std::array<unsigned, 3> size, std::array<double, 3> spacing, float inside,
                 float ball) {
  static const bool registered = [] {
    itk::NiftiImageIOFactory::RegisterOneFactory();
    return true;
  }();
  (void)registered;
  auto image = Image::New();
  Image::RegionType region;
  region.SetSize({size[0], size[1], size[2]});
  image->SetRegions(region);
  image->SetSpacing(spacing.data());
  image->Allocate();
  image->FillBuffer(0.0f);
  for (unsigned k = 2; k + 2 < size[2]; ++k) {
    for (unsigned j = 2; j + 2 < size[1]; ++j) {
      for (unsigned i = 2; i + 2 < size[0]; ++i) {
        const bool inBall = i < 6 && j < 6 && k < 6;
        image->SetPixel({{i, j, k}}, inBall ? ball : inside);
      }
    }
  }
  auto writer = itk::ImageFileWriter<Image>::New();
  writer->SetInput(image);
  writer->SetFileName(path);
  writer->Update();
}

struct SyntheticDataset {
  skipseg::testing::TemporaryDirectory folder;
  SyntheticDataset() {
    std::filesystem::create_directories(folder.file("imagesTr"));
    std::filesystem::create_directories(folder.file("labelsTr"));
    std::ofstream(folder.file("dataset.json"))
        << R"({"channel_names": {"0": "T1"}, "labels": {"background": 0, "ball": 1}, "numTraining": 2, "file_ending": ".nii.gz"})";
    addCase("case0", {20, 24, 12}, {1.0, 1.0, 3.0}, 100.0f);
    addCase("case1", {24, 20, 14}, {1.0, 1.0, 2.0}, 300.0f);
  }
  void addCase(const std::string& id, std::array<unsigned, 3> size, std::array<double, 3> spacing, float ballValue) {
    writeVolume(folder.file("imagesTr/" + id + "_0000.nii.gz"), size, spacing, 10.0f, ballValue);
    writeVolume(folder.file("labelsTr/" + id + ".nii.gz"), size, spacing, 0.0f, 1.0f);
  }
};

template <typename Body>
std::string badInputMessage(Body body) {
  try {
    body();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::BadInput);
    return error.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

TEST(Dataset, ReadsTheNnunetLayoutAndComputesTheFingerprint) {
  SyntheticDataset synthetic;
  Dataset dataset = readDataset(synthetic.folder.path());
  checkDataset(dataset);
  ASSERT_EQ(dataset.cases.size(), 2u);
  EXPECT_EQ(dataset.cases[1].id, "case1");
  EXPECT_EQ(dataset.channelNames, std::vector<std::string>{"T1"});
  ASSERT_EQ(dataset.labels.size(), 2u);
  EXPECT_EQ(dataset.labels[1].name, "ball");

  const auto fingerprint = computeFingerprint(dataset, 1, 1000, silentProgress());
  EXPECT_EQ(fingerprint.spacings[0], (std::array<double, 3>{1.0, 1.0, 3.0}));
  EXPECT_EQ(fingerprint.croppedSizes[0], (std::array<std::size_t, 3>{16, 20, 8}));  // 2-voxel zero rim cropped
  EXPECT_EQ(fingerprint.croppedSizes[1], (std::array<std::size_t, 3>{20, 16, 10}));
  // Foreground: 64 voxels of 100 and 64 of 300.
  ASSERT_EQ(fingerprint.intensities.size(), 1u);
  EXPECT_NEAR(fingerprint.intensities[0].mean, 200.0, 1e-9);
  EXPECT_NEAR(fingerprint.intensities[0].std, 100.0, 1e-9);
  EXPECT_DOUBLE_EQ(fingerprint.intensities[0].minimum, 100.0);

  PlanOptions options;
  options.foldCount = 2;
  const Json plans = makePlans(dataset, fingerprint, options);
  const auto configuration = configurationFromPlans(plans, "3d_fullres", "plans.json");
  EXPECT_EQ(configuration.spacing, (std::array<double, 3>{1.0, 1.0, 2.5}));  // medians
  EXPECT_EQ(configuration.normalization.at(0).scheme, NormalizationSpec::Scheme::ZScore);
  EXPECT_EQ(configurationFromPlans(plans, "2d", "plans.json").patchSize.size(), 2u);
  EXPECT_EQ(foldFromPlans(plans, "0", "plans.json").validation.size(), 1u);
  EXPECT_EQ(foldFromPlans(plans, "all", "plans.json").training.size(), 2u);
  EXPECT_NE(badInputMessage([&] {
              configurationFromPlans(plans, "3d_lowres", "plans.json");
            }).find("plans.json: no configuration \"3d_lowres\" (known: 2d, 3d_fullres)"),
            std::string::npos);
}

TEST(Dataset, NamesTheCaseWithALabelValueNotInDatasetJson) {
  SyntheticDataset synthetic;
  writeVolume(synthetic.folder.file("labelsTr/case1.nii.gz"), {24, 20, 14}, {1.0, 1.0, 2.0}, 0.0f, 3.0f);
  Dataset dataset = readDataset(synthetic.folder.path());
  const std::string message = badInputMessage([&] { checkDataset(dataset); });
  EXPECT_NE(message.find("labelsTr/case1.nii.gz: case case1: label value 3 is not in dataset.json"), std::string::npos)
      << message;
}

TEST(Dataset, NamesTheCaseWhoseImageIsOnAnotherGrid) {
  SyntheticDataset synthetic;
  writeVolume(synthetic.folder.file("imagesTr/case0_0000.nii.gz"), {20, 24, 12}, {1.0, 1.0, 2.0}, 10.0f, 1.0f);
  Dataset dataset = readDataset(synthetic.folder.path());
  const std::string message = badInputMessage([&] { checkDataset(dataset); });
  EXPECT_NE(message.find("imagesTr/case0_0000.nii.gz: case case0: image grid"), std::string::npos) << message;
}

TEST(Dataset, NamesAMissingImage) {
  SyntheticDataset synthetic;
  std::filesystem::remove(synthetic.folder.file("imagesTr/case1_0000.nii.gz"));
  Dataset dataset = readDataset(synthetic.folder.path());
  const std::string message = badInputMessage([&] { checkDataset(dataset); });
  EXPECT_NE(message.find("case1_0000.nii.gz: case case1: image file not found"), std::string::npos) << message;
}

TEST(Dataset, ReadsACsvManifestAndFindsItsLabels) {
  SyntheticDataset synthetic;
  std::ofstream(synthetic.folder.file("cases.csv"))
      << "case,CT,label\n"
      << "a,imagesTr/case0_0000.nii.gz,labelsTr/case0.nii.gz\n"
      << "b," << synthetic.folder.file("imagesTr/case1_0000.nii.gz") << ",labelsTr/case1.nii.gz\n";
  Dataset dataset = readDataset(synthetic.folder.file("cases.csv"));
  checkDataset(dataset);
  ASSERT_EQ(dataset.cases.size(), 2u);
  EXPECT_EQ(dataset.channelNames, std::vector<std::string>{"CT"});
  ASSERT_EQ(dataset.labels.size(), 2u);
  EXPECT_EQ(dataset.labels[1].id, 1);
}

TEST(Dataset, RefusesAFolderWithoutDatasetJson) {
  skipseg::testing::TemporaryDirectory folder;
  EXPECT_NE(badInputMessage([&] { readDataset(folder.path()); }).find("dataset.json not found"), std::string::npos);
}

}  // namespace
}  // namespace skipseg::planning
