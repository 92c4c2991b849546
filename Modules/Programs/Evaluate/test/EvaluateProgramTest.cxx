#include "skipseg/programs/EvaluateProgram.h"

#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/JsonFile.h"
#include "skipseg/io/ImageWriter.h"
#include "skipseg/testing/RunProgram.h"
#include "skipseg/testing/SlicerInvocation.h"
#include "skipseg/testing/SlicerSchema.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <itkImageRegionIteratorWithIndex.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

using skipseg::io::LabelImage;
namespace fs = std::filesystem;

// A 40^3 grid of 0.5 mm voxels with a ball of radius 8 mm at `centreX` along x (label `label`).
LabelImage::Pointer ballImage(double centreX, unsigned short label = 1, double spacing = 0.5) {
  auto image = LabelImage::New();
  LabelImage::RegionType region;
  region.SetSize({{40, 40, 40}});
  image->SetRegions(region);
  LabelImage::SpacingType spacings;
  spacings.Fill(spacing);
  image->SetSpacing(spacings);
  image->Allocate(true);
  itk::ImageRegionIteratorWithIndex<LabelImage> it(image, region);
  for (; !it.IsAtEnd(); ++it) {
    LabelImage::PointType p;
    image->TransformIndexToPhysicalPoint(it.GetIndex(), p);
    const double dx = p[0] - centreX, dy = p[1] - 9.75, dz = p[2] - 9.75;
    if (dx * dx + dy * dy + dz * dz <= 64.0) {
      it.Set(label);
    }
  }
  return image;
}

// The lens formula: two balls of radius r with centres d apart.
double analyticDice(double r, double d) {
  return (4 * r + d) * (2 * r - d) * (2 * r - d) / 12.0 / (4.0 / 3.0 * r * r * r);
}

int run(const std::vector<std::string>& arguments, std::string* errors = nullptr) {
  testing::internal::CaptureStderr();
  const int code = skipseg::programs::evaluateMain(arguments);
  const std::string captured = testing::internal::GetCapturedStderr();
  if (errors != nullptr) {
    *errors = captured;
  }
  return code;
}

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(EvaluateProgram, SingleCaseJsonReportHasMetricsNamesAndConventions) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::io::writeLabelImage(ballImage(8.75).GetPointer(), folder.file("reference.nii.gz"));
  skipseg::io::writeLabelImage(ballImage(10.75).GetPointer(), folder.file("prediction.nii.gz"));
  skipseg::writeFileAtomically(folder.file("names.json"), R"({"1": "tumour"})");
  ASSERT_EQ(
      run({"--reference", folder.file("reference.nii.gz"), "--prediction", folder.file("prediction.nii.gz"),
           "--label-names", folder.file("names.json"), "--label-ids", "1,2", "--output", folder.file("report.json")}),
      0);
  const auto report = skipseg::readJsonFile(folder.file("report.json"));
  const auto& rows = report["cases"][0]["labels"];
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(report["cases"][0]["case"], "reference");
  EXPECT_EQ(rows[0]["name"], "tumour");
  EXPECT_NEAR(rows[0]["dice"].get<double>(), analyticDice(8.0, 2.0), 0.01);
  EXPECT_NEAR(rows[0]["hausdorff_mm"].get<double>(), 2.0, 0.5);
  EXPECT_EQ(rows[1]["dice"], "nan");  // label 2 in neither image: undefined by default
  EXPECT_EQ(rows[1]["hausdorff_mm"], "nan");
  EXPECT_EQ(report["conventions"]["one_side_empty_distance"], "inf");
}

TEST(EvaluateProgram, XmlValidatesAgainstSlicersSchema) {
  const auto result = skipseg::testing::runProgram("skipseg-evaluate", {"--xml"});
  ASSERT_EQ(result.exitCode, 0) << result.standardError;
  SKIPSEG_EXPECT_VALID_SLICER_XML(result.standardOutput);
}

// Slicer passes the two label maps, the report and the names by position, the rest by flag.
TEST(EvaluateProgram, RunsExactlyAsSlicerWould) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::writeFileAtomically(folder.file("names.json"), R"({"1": "tumour"})");
  const auto parameters = skipseg::testing::slicerParametersOf("skipseg-evaluate");
  const auto commandLine = skipseg::testing::slicerCommandLine(
      parameters, {{"label-names", {folder.file("names.json")}}, {"tolerance", {"2"}}}, folder.path());
  skipseg::io::writeLabelImage(ballImage(8.75).GetPointer(), commandLine.files.at("reference"));
  skipseg::io::writeLabelImage(ballImage(10.75).GetPointer(), commandLine.files.at("prediction"));
  const auto result = skipseg::testing::runProgram("skipseg-evaluate", commandLine.arguments);
  ASSERT_EQ(result.exitCode, 0) << result.standardError;
  const auto report = skipseg::readJsonFile(commandLine.files.at("output"));
  const auto& row = report["cases"][0]["labels"][0];
  EXPECT_EQ(row["name"], "tumour");
  EXPECT_NEAR(row["dice"].get<double>(), analyticDice(8.0, 2.0), 0.01);
}

TEST(EvaluateProgram, CsvReportAndTheOtherEmptyConventions) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::io::writeLabelImage(ballImage(8.75).GetPointer(), folder.file("reference.nrrd"));
  skipseg::io::writeLabelImage(ballImage(8.75, 3).GetPointer(), folder.file("prediction.nrrd"));
  ASSERT_EQ(
      run({"--reference", folder.file("reference.nrrd"), "--prediction", folder.file("prediction.nrrd"), "--label-ids",
           "1,2", "--both-empty", "one", "--one-side-empty", "nan", "--output", folder.file("report.csv")}),
      0);
  const std::string csv = readText(folder.file("report.csv"));
  // Label 1 is missed (only the reference has it): Dice 0, distances nan as asked.
  EXPECT_NE(csv.find("\ncase,reference,1,label_1,"), std::string::npos) << csv;
  std::istringstream lines(csv);
  std::string header, first, second;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_NE(first.find(",0,nan,"), std::string::npos) << first;  // precision... recall
  EXPECT_NE(second.find("case,reference,2,label_2,0,0,1,1,1,1,0,0,0,0,0,0,1"), std::string::npos) << second;
}

// Names from the model the labels came from: a SkipSeg model file, a TorchScript model (read without
// LibTorch), and skipseg-batch's summary, which names its model (as given, or beside the summary).
TEST(EvaluateProgram, LabelNamesComeFromModelFilesAndBatchSummaries) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::io::writeLabelImage(ballImage(8.75).GetPointer(), folder.file("reference.nii.gz"));
  skipseg::io::writeLabelImage(ballImage(10.75).GetPointer(), folder.file("prediction.nii.gz"));
  const std::string ssm = skipseg::testing::sourcePath("Data/Models/brain-demo.ssm");
  fs::copy_file(ssm, folder.file("copied.ssm"));
  skipseg::writeFileAtomically(folder.file("summary.json"),
                               R"({"program": "skipseg-batch", "worker": "segment", "model": "copied.ssm"})");
  skipseg::writeFileAtomically(folder.file("absolute-summary.json"),
                               R"({"program": "skipseg-batch", "model": ")" + ssm + R"("})");
  const std::vector<std::pair<std::string, std::string>> sources{
      {ssm, "left_cerebrum"},
      {skipseg::testing::sourcePath("Data/Testing/derivative_2d_xyz.pt"), "increase"},
      {folder.file("summary.json"), "left_cerebrum"},
      {folder.file("absolute-summary.json"), "left_cerebrum"}};
  for (const auto& [names, first] : sources) {
    fs::remove(folder.file("report.csv"));
    ASSERT_EQ(run({"--reference", folder.file("reference.nii.gz"), "--prediction", folder.file("prediction.nii.gz"),
                   "--label-names", names, "--label-ids", "1", "--output", folder.file("report.csv")}),
              0)
        << names;
    const std::string csv = readText(folder.file("report.csv"));
    EXPECT_NE(csv.find("\ncase,reference,1," + first + ","), std::string::npos) << names << "\n" << csv;
  }
  // A summary whose model has gone: one line naming the summary and the model, exit code 3.
  skipseg::writeFileAtomically(folder.file("stale.json"), R"({"program": "skipseg-batch", "model": "gone.ssm"})");
  std::string errors;
  EXPECT_EQ(run({"--reference", folder.file("reference.nii.gz"), "--prediction", folder.file("prediction.nii.gz"),
                 "--label-names", folder.file("stale.json"), "--output", folder.file("stale.csv")},
                &errors),
            3);
  EXPECT_NE(errors.find(folder.file("stale.json") + ": the skipseg-batch summary names the model gone.ssm"),
            std::string::npos)
      << errors;
}

TEST(EvaluateProgram, DifferentGridsFailUnlessResamplingIsAsked) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::io::writeLabelImage(ballImage(8.75).GetPointer(), folder.file("reference.nii.gz"));
  skipseg::io::writeLabelImage(ballImage(8.75, 1, 0.6).GetPointer(), folder.file("prediction.nii.gz"));
  std::string errors;
  const std::vector<std::string> arguments{"--reference",  folder.file("reference.nii.gz"),
                                           "--prediction", folder.file("prediction.nii.gz"),
                                           "--output",     folder.file("report.json")};
  EXPECT_EQ(run(arguments, &errors), 3);
  // Logs share stderr; the error is its one last line.
  const auto lastLine = errors.substr(errors.rfind('\n', errors.size() - 2) + 1);
  EXPECT_EQ(lastLine.rfind("skipseg-evaluate: error: " + folder.file("prediction.nii.gz") +
                               ": not on the reference's grid (prediction 40x40x40 voxels, spacing 0.6x0.6x0.6 mm",
                           0),
            0u)
      << errors;
  EXPECT_NE(lastLine.find("give --resample-prediction"), std::string::npos);
  EXPECT_FALSE(fs::exists(folder.file("report.json")));

  auto resampled = arguments;
  resampled.push_back("--resample-prediction");
  EXPECT_EQ(run(resampled), 0);
  const auto report = skipseg::readJsonFile(folder.file("report.json"));
  EXPECT_GT(report["cases"][0]["labels"][0]["dice"].get<double>(), 0.9);  // same ball, two grids
}

TEST(EvaluateProgram, FolderModeMatchesCasesByNameAndReportsMissingOnes) {
  skipseg::testing::TemporaryDirectory folder;
  fs::create_directories(folder.file("ref"));
  fs::create_directories(folder.file("pred"));
  skipseg::io::writeLabelImage(ballImage(8.75).GetPointer(), folder.file("ref/case_a.nii.gz"));
  skipseg::io::writeLabelImage(ballImage(8.75).GetPointer(), folder.file("ref/case_b.nii.gz"));
  skipseg::io::writeLabelImage(ballImage(8.75).GetPointer(), folder.file("ref/case_c.nii.gz"));
  skipseg::io::writeLabelImage(ballImage(8.75).GetPointer(), folder.file("pred/case_a.nrrd"));  // formats may differ
  skipseg::io::writeLabelImage(ballImage(10.75).GetPointer(), folder.file("pred/case_b.nii.gz"));
  const int code = run(
      {"--reference", folder.file("ref"), "--prediction", folder.file("pred"), "--output", folder.file("report.json")});
  EXPECT_EQ(code, 1);  // case_c has no prediction
  const auto report = skipseg::readJsonFile(folder.file("report.json"));
  ASSERT_EQ(report["cases"].size(), 2u);
  EXPECT_EQ(report["cases"][0]["case"], "case_a");
  EXPECT_DOUBLE_EQ(report["cases"][0]["labels"][0]["dice"].get<double>(), 1.0);
  const double diceB = report["cases"][1]["labels"][0]["dice"].get<double>();
  EXPECT_EQ(report["failed_cases"][0]["case"], "case_c");
  const auto& summary = report["summary"][0];
  EXPECT_NEAR(summary["mean"]["dice"].get<double>(), (1.0 + diceB) / 2, 1e-12);
  EXPECT_NEAR(summary["std"]["dice"].get<double>(), (1.0 - diceB) / 2, 1e-12);
  EXPECT_EQ(summary["count"]["dice"], 2);
}

TEST(EvaluateProgram, StatisticsReproduceTotalSegmentator) {
  SKIPSEG_REQUIRE_SHARED_DATA(ct, "totalsegmentator/example_ct_sm.nii.gz");
  SKIPSEG_REQUIRE_SHARED_DATA(seg, "totalsegmentator/example_seg_fast.nii.gz");
  SKIPSEG_REQUIRE_SHARED_DATA(names, "totalsegmentator/labels_total_v2.json");
  SKIPSEG_REQUIRE_SHARED_DATA(expectedPath, "totalsegmentator/example_seg_fast/statistics.json");
  skipseg::testing::TemporaryDirectory folder;
  ASSERT_EQ(run({"--statistics", "--image", ct, "--labels", seg, "--label-names", names, "--output",
                 folder.file("statistics.json")}),
            0);
  const auto statistics = skipseg::readJsonFile(folder.file("statistics.json"));
  const auto expected = skipseg::readJsonFile(expectedPath);
  ASSERT_EQ(statistics.size(), expected.size());
  for (const auto& item : expected.items()) {
    ASSERT_TRUE(statistics.contains(item.key())) << item.key();
    EXPECT_NEAR(statistics[item.key()]["volume"].get<double>(), item.value()["volume"].get<double>(), 1e-3);
    EXPECT_NEAR(statistics[item.key()]["intensity"].get<double>(), item.value()["intensity"].get<double>(), 1e-4)
        << item.key();
  }
}

TEST(EvaluateProgram, UsageErrorsExitWithTwo) {
  skipseg::testing::TemporaryDirectory folder;
  std::string errors;
  EXPECT_EQ(run({"--reference", "a.nii.gz", "--prediction", "b.nii.gz", "--output", folder.file("r.txt")}, &errors), 2);
  EXPECT_NE(errors.find("--output must end in .json or .csv"), std::string::npos) << errors;
  EXPECT_EQ(run({"--output", folder.file("r.json")}, &errors), 2);
  EXPECT_EQ(run({"--statistics", "--image", "x.nii", "--output", folder.file("r.json")}, &errors), 2);
  EXPECT_NE(errors.find("--statistics needs --image and --labels"), std::string::npos);
  EXPECT_EQ(folder.listing(), "");
}

// The report's place is checked before the label maps are read (they do not exist here).
TEST(EvaluateProgram, AReportUnderAFileFailsBeforeReading) {
  skipseg::testing::TemporaryDirectory folder;
  std::ofstream(folder.file("file")) << "a file";
  std::string errors;
  EXPECT_EQ(run({"--reference", folder.file("a.nii.gz"), "--prediction", folder.file("b.nii.gz"), "--output",
                 folder.file("file/report.json")},
                &errors),
            6);
  EXPECT_EQ(errors, "skipseg-evaluate: error: " + folder.file("file/report.json") + ": cannot write under " +
                        folder.file("file") + ": Not a directory\n");
  EXPECT_EQ(folder.listing(), "file");
}

TEST(EvaluateProgram, CommandLineReportsAMissingInputWithExitCodeThree) {
  skipseg::testing::TemporaryDirectory folder;
  const auto result = skipseg::testing::runProgram(
      "skipseg-evaluate", {"--reference", folder.file("missing.nii.gz"), "--prediction", folder.file("missing.nii.gz"),
                           "--output", folder.file("report.json")});
  EXPECT_EQ(result.exitCode, 3);
  EXPECT_EQ(result.standardError,
            "skipseg-evaluate: error: " + folder.file("missing.nii.gz") + ": no such file or folder\n");
  EXPECT_EQ(folder.listing(), "");
}

}  // namespace
