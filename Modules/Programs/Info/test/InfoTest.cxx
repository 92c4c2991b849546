#include "skipseg/core/JsonFile.h"
#include "skipseg/io/Geometry.h"
#include "skipseg/io/ImageWriter.h"
#include "skipseg/programs/InfoProgram.h"
#include "skipseg/testing/RunProgram.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace skipseg::programs {
namespace {

struct InfoRun {
  int code = -1;
  std::string output;
  std::string error;
};

InfoRun info(const std::vector<std::string>& arguments) {
  InfoRun run;
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  run.code = infoMain(arguments);
  run.output = ::testing::internal::GetCapturedStdout();
  run.error = ::testing::internal::GetCapturedStderr();
  return run;
}

TEST(Info, PrintsGeometryOrientationTypeAndRangeAsJson) {
  skipseg::testing::TemporaryDirectory folder;
  ImageGeometry geometry;
  geometry.size = {4, 3, 2};
  geometry.spacing = {0.5, 0.75, 2.0};
  geometry.origin = {10.0, -20.0, 30.5};
  geometry.direction = {-1, 0, 0, 0, -1, 0, 0, 0, 1};  // RAS
  auto image = io::FloatImage::New();
  io::applyGeometry(geometry, image);
  image->Allocate();
  for (std::size_t index = 0; index < geometry.voxelCount(); ++index) {
    image->GetBufferPointer()[index] = static_cast<float>(index) - 5.0f;
  }
  io::writeImage(image, folder.file("image.nii.gz"), io::PixelTypeHint::Int16);
  const InfoRun run = info({folder.file("image.nii.gz")});
  ASSERT_EQ(run.code, 0) << run.error;
  const Json json = Json::parse(run.output);
  EXPECT_EQ(json["format"], "NIfTI");
  EXPECT_EQ(json["size"], Json({4, 3, 2}));
  EXPECT_EQ(json["spacing"], Json({0.5, 0.75, 2.0}));
  EXPECT_NEAR(json["origin"][2].get<double>(), 30.5, 1e-5);
  EXPECT_EQ(json["direction"][0][0], -1.0);
  EXPECT_EQ(json["direction"][2][2], 1.0);
  EXPECT_EQ(json["orientation"], "RAS");
  EXPECT_EQ(json["coordinate_system"], "LPS");
  EXPECT_EQ(json["pixel_type"], "int16");
  EXPECT_EQ(json["value_range"], Json({-5.0, 18.0}));
  EXPECT_FALSE(json.contains("dicom_series"));
}

// skipseg-segment --probabilities files: several components, each with its label name.
TEST(Info, DescribesTheMultiComponentFilesSkipSegWrites) {
  ImageGeometry geometry;
  geometry.size = {3, 2, 2};
  geometry.spacing = {1.5, 1.5, 3.0};
  VoxelBuffer probabilities(geometry, 2);
  for (std::size_t index = 0; index < geometry.voxelCount(); ++index) {
    probabilities.channel(0)[index] = 1.0f - 0.05f * static_cast<float>(index);
    probabilities.channel(1)[index] = 0.05f * static_cast<float>(index);
  }
  for (const char* name : {"probs.nrrd", "probs.nii.gz", "probs.mha"}) {
    skipseg::testing::TemporaryDirectory folder;
    io::writeMultiChannelImage(probabilities, folder.file(name), {{"background", 0}, {"liver", 1}});
    const InfoRun run = info({folder.file(name)});
    ASSERT_EQ(run.code, 0) << name << ": " << run.error;
    const Json json = Json::parse(run.output);
    EXPECT_EQ(json["components"], 2) << name;
    EXPECT_EQ(json["size"], Json({3, 2, 2})) << name;
    EXPECT_EQ(json["pixel_type"], "float") << name;
    const Json& details = json["component_details"];
    ASSERT_EQ(details.size(), 2u) << name;
    EXPECT_EQ(details[0]["name"], "background") << name;
    EXPECT_EQ(details[1]["name"], "liver") << name;
    EXPECT_EQ(details[1]["label_value"], 1) << name;
    EXPECT_NEAR(details[1]["value_range"][1].get<double>(), 0.55, 1e-6) << name;
  }
}

TEST(Info, DicomFolderListsItsSeries) {
  SKIPSEG_REQUIRE_SHARED_DATA(series, "totalsegmentator/example_ct_dicom");
  const InfoRun run = info({series});
  ASSERT_EQ(run.code, 0) << run.error;
  const Json json = Json::parse(run.output);
  EXPECT_EQ(json["format"], "DICOM");
  EXPECT_EQ(json["modality"], "CT");
  EXPECT_EQ(json["size"], Json({512, 512, 20}));
  EXPECT_NEAR(json["spacing"][2].get<double>(), 2.0, 1e-6);
  EXPECT_EQ(json["value_range"][0], -1024.0);
  ASSERT_EQ(json["dicom_series"].size(), 1u);
  EXPECT_EQ(json["dicom_series"][0]["files"], 20);
  EXPECT_EQ(json["dicom_series"][0]["uid"], json["series_uid"]);
}

TEST(Info, FolderWithSeveralSeriesPrintsTheListOnly) {
  const std::string files = "/usr/lib/python3/dist-packages/pydicom/data/test_files/";
  if (!std::filesystem::exists(files + "CT_small.dcm")) {
    if (skipseg::testing::runningUnderCi()) {
      FAIL() << "python3-pydicom missing (Pipelines/install-dependencies.sh)";
    }
    GTEST_SKIP() << "python3-pydicom not installed";
  }
  skipseg::testing::TemporaryDirectory folder;
  std::filesystem::copy_file(files + "CT_small.dcm", folder.file("ct.dcm"));
  std::filesystem::copy_file(files + "MR_small.dcm", folder.file("mr.dcm"));
  const InfoRun run = info({folder.path()});
  ASSERT_EQ(run.code, 0) << run.error;
  const Json json = Json::parse(run.output);
  ASSERT_EQ(json["dicom_series"].size(), 2u);
  EXPECT_FALSE(json.contains("size"));
}

TEST(Info, MissingFileIsBadInputWithNothingOnStdout) {
  skipseg::testing::TemporaryDirectory folder;
  const InfoRun run = info({folder.file("absent.nrrd")});
  EXPECT_EQ(run.code, 3);
  EXPECT_EQ(run.output, "");
  EXPECT_EQ(run.error, "skipseg-info: error: " + folder.file("absent.nrrd") + ": no such file or folder\n");
}

TEST(InfoProgram, BuiltProgramDescribesARealScan) {
  // ch2 (mricron-data): the scan the quickstart shows.
  const std::string ch2 = "/usr/share/mricron/templates/ch2.nii.gz";
  if (!std::filesystem::exists(ch2)) {
    if (skipseg::testing::runningUnderCi()) {
      FAIL() << "mricron-data missing (Pipelines/install-dependencies.sh)";
    }
    GTEST_SKIP() << "mricron-data not installed";
  }
  const auto run = skipseg::testing::runProgram("skipseg-info", {ch2});
  ASSERT_EQ(run.exitCode, 0) << run.standardError;
  const Json json = Json::parse(run.standardOutput);
  EXPECT_EQ(json["size"], Json({181, 217, 181}));
  EXPECT_EQ(json["spacing"], Json({1.0, 1.0, 1.0}));
  EXPECT_EQ(json["pixel_type"], "uint8");
}

}  // namespace
}  // namespace skipseg::programs
