// skipseg-batch with the segment worker over a folder where one scan is corrupt.
#include "skipseg/core/JsonFile.h"
#include "skipseg/io/Geometry.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/ImageWriter.h"
#include "skipseg/testing/RunProgram.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <gtest/gtest.h>
#include <itkImageRegionIteratorWithIndex.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace {

using skipseg::io::FloatImage;

FloatImage::Pointer ramp(unsigned size, double spacing) {
  auto image = FloatImage::New();
  FloatImage::SizeType extent{{size, size + 3, size / 2}};
  image->SetRegions(FloatImage::RegionType(extent));
  image->SetSpacing(spacing);
  image->Allocate();
  itk::ImageRegionIteratorWithIndex<FloatImage> it(image, image->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    it.Set(static_cast<float>(it.GetIndex()[0] * (it.GetIndex()[1] > static_cast<long>(size / 2) ? 1 : -1)));
  }
  return image;
}

TEST(SegmentBatch, GoodCasesAreDoneTheCorruptOneFailsAndARerunSkipsTheDoneOnes) {
  skipseg::testing::TemporaryDirectory input;
  skipseg::testing::TemporaryDirectory output;
  std::filesystem::create_directories(input.file("site-a"));
  skipseg::io::writeImage(ramp(30, 1.5).GetPointer(), input.file("site-a/first.nii.gz"));
  skipseg::io::writeImage(ramp(24, 2.0).GetPointer(), input.file("second.nrrd"));
  { std::ofstream(input.file("broken.nii.gz")) << "not a scan"; }
  const std::string model = skipseg::testing::sourcePath("Data/Testing/derivative_ras_xyz.pt");
  const std::vector<std::string> arguments = {"--model",     model,      "--input", input.path(), "--output-dir",
                                              output.path(), "--device", "cpu",     "--threads",  "1"};

  const auto first = skipseg::testing::runProgram("skipseg-batch", arguments);
  EXPECT_EQ(first.exitCode, 1) << first.standardError;
  const auto summary = skipseg::readJsonFile(output.file("skipseg-summary.json"));
  EXPECT_EQ(summary["counts"]["done"], 2);
  EXPECT_EQ(summary["counts"]["failed"], 1);
  EXPECT_NE(first.standardError.find("broken.nii.gz"), std::string::npos) << first.standardError;

  for (const auto& [labels, scan] : {std::pair<std::string, std::string>{"site-a_first.nii.gz", "site-a/first.nii.gz"},
                                     {"second.nii.gz", "second.nrrd"}}) {
    ASSERT_TRUE(std::filesystem::exists(output.file(labels))) << output.listing();
    const auto written = skipseg::io::readLabelImage(output.file(labels));
    const auto original = skipseg::io::readImage(input.file(scan)).image;
    EXPECT_TRUE(skipseg::io::geometryOf(written.GetPointer()).sameGrid(skipseg::io::geometryOf(original.GetPointer())));
  }
  EXPECT_FALSE(std::filesystem::exists(output.file("broken.nii.gz")));

  const auto second = skipseg::testing::runProgram("skipseg-batch", arguments);
  EXPECT_EQ(second.exitCode, 1);
  const auto again = skipseg::readJsonFile(output.file("skipseg-summary.json"));
  EXPECT_EQ(again["counts"]["skipped"], 2);
  EXPECT_EQ(again["counts"]["failed"], 1);
}

// Issue 13, item 14: a two-channel model over nnU-Net-style files (case_0000, case_0001). The model
// labels where channel 1 exceeds channel 0, so channels fed in the wrong order give the complement.
TEST(SegmentBatch, AMultiChannelModelGetsEachCasesChannelsInSuffixOrder) {
  skipseg::testing::TemporaryDirectory input;
  skipseg::testing::TemporaryDirectory output;
  const auto first = ramp(24, 2.0);
  auto second = ramp(24, 2.0);
  second->FillBuffer(0.5f);  // between the ramp's integers: never equal to channel 0
  skipseg::io::writeImage(first.GetPointer(), input.file("case_0000.nii.gz"));
  skipseg::io::writeImage(second.GetPointer(), input.file("case_0001.nii.gz"));
  const std::string model = skipseg::testing::sourcePath("Data/Testing/channel_order_ras_xyz.pt");
  const auto run = skipseg::testing::runProgram("skipseg-batch", {"--model", model, "--input", input.path(),
                                                                  "--output-dir", output.path(), "--device", "cpu",
                                                                  "--threads", "1"});
  ASSERT_EQ(run.exitCode, 0) << run.standardError;
  ASSERT_TRUE(std::filesystem::exists(output.file("case.nii.gz"))) << output.listing();
  const auto labels = skipseg::io::readLabelImage(output.file("case.nii.gz"));
  const std::size_t count = first->GetLargestPossibleRegion().GetNumberOfPixels();
  std::size_t wrong = 0, above = 0;
  for (std::size_t v = 0; v < count; ++v) {
    const int expected = second->GetBufferPointer()[v] > first->GetBufferPointer()[v] ? 1 : 0;
    above += expected;
    wrong += labels->GetBufferPointer()[v] != expected ? 1 : 0;
  }
  EXPECT_GT(above, count / 4);
  EXPECT_LT(above, count * 3 / 4);
  EXPECT_EQ(wrong, 0u);
  const auto sidecar = skipseg::readJsonFile(output.file("case.json"));
  EXPECT_EQ(sidecar["inputs"].size(), 2u) << sidecar.dump();
}

TEST(SegmentBatch, JobsShareTheCoresInsteadOfEachTakingThemAll) {
  skipseg::testing::TemporaryDirectory input;
  skipseg::testing::TemporaryDirectory output;
  skipseg::io::writeImage(ramp(24, 2.0).GetPointer(), input.file("a.nii.gz"));
  skipseg::io::writeImage(ramp(20, 2.0).GetPointer(), input.file("b.nii.gz"));
  const std::string model = skipseg::testing::sourcePath("Data/Testing/derivative_ras_xyz.pt");
  const auto run = skipseg::testing::runProgram(
      "skipseg-batch",
      {"--model", model, "--input", input.path(), "--output-dir", output.path(), "--device", "cpu", "--jobs", "2"});
  ASSERT_EQ(run.exitCode, 0) << run.standardError;
  const int expected = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / 2);
  for (const char* sidecar : {"a.json", "b.json"}) {
    const auto record = skipseg::readJsonFile(output.file(sidecar));
    EXPECT_EQ(record["inference"]["threads"].get<int>(), expected) << sidecar;
  }
}

// One option table and one reader for both programs: every segmentation option works in batch and is
// checked with the same message.
TEST(SegmentBatch, EverySegmentationOptionWorksInBatchWithTheSameChecks) {
  skipseg::testing::TemporaryDirectory input;
  skipseg::testing::TemporaryDirectory output;
  skipseg::io::writeImage(ramp(24, 2.0).GetPointer(), input.file("a.nii.gz"));
  const std::string model = skipseg::testing::sourcePath("Data/Testing/derivative_ras_xyz.pt");
  const auto run = skipseg::testing::runProgram(
      "skipseg-batch", {"--model", model, "--input", input.path(), "--output-dir", output.path(), "--device", "cpu",
                        "--interpolation", "linear", "--slab-slices", "4", "--allow-uneven-spacing", "--mirror", "off",
                        "--tile-batch", "2", "--fill-holes"});
  ASSERT_EQ(run.exitCode, 0) << run.standardError;
  const auto record = skipseg::readJsonFile(output.file("a.json"));
  EXPECT_EQ(record["inference"]["tile_batch"].get<int>(), 2);

  const std::vector<std::pair<std::string, std::vector<std::string>>> invocations{
      {"skipseg-segment", {"--model", model, "--input", input.file("a.nii.gz"), "--output", output.file("x.nii.gz")}},
      {"skipseg-batch", {"--model", model, "--input", input.path(), "--output-dir", output.path()}}};
  for (auto [program, arguments] : invocations) {
    arguments.insert(arguments.end(), {"--slab-slices", "0"});
    const auto bad = skipseg::testing::runProgram(program, arguments);
    EXPECT_EQ(bad.exitCode, 2) << program;
    EXPECT_NE(bad.standardError.find("--slab-slices must be at least 1"), std::string::npos)
        << program << ": " << bad.standardError;
  }
}

// The model takes one channel; a manifest that gives a case two images concerns the model, not one case:
// the run stops at once with exit 3, naming the manifest, before any case is read.
TEST(SegmentBatch, AManifestWithMoreChannelsThanTheModelStopsTheRunAtOnce) {
  skipseg::testing::TemporaryDirectory input;
  skipseg::testing::TemporaryDirectory output;
  skipseg::io::writeImage(ramp(24, 2.0).GetPointer(), input.file("t1.nrrd"));
  skipseg::io::writeImage(ramp(24, 2.0).GetPointer(), input.file("t2.nrrd"));
  { std::ofstream(input.file("cases.csv")) << "case_id,input,output,t2\na,t1.nrrd,,t2.nrrd\n"; }
  const std::string model = skipseg::testing::sourcePath("Data/Testing/derivative_ras_xyz.pt");
  const auto run = skipseg::testing::runProgram(
      "skipseg-batch", {"--model", model, "--input", input.file("cases.csv"), "--output-dir", output.path(), "--device",
                        "cpu", "--threads", "1"});
  EXPECT_EQ(run.exitCode, 3) << run.standardError;
  EXPECT_NE(
      run.standardError.find(input.file("cases.csv") + ": case a has 2 image(s) but the model takes 1 channel(s)"),
      std::string::npos)
      << run.standardError;
  EXPECT_FALSE(std::filesystem::exists(output.file("a.nii.gz")));
  EXPECT_FALSE(std::filesystem::exists(output.file("skipseg-summary.json")));
}

}  // namespace
