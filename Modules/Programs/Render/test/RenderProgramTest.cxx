#include "skipseg/programs/RenderProgram.h"

#include "skipseg/io/ImageWriter.h"
#include "skipseg/testing/RunProgram.h"
#include "skipseg/testing/SlicerInvocation.h"
#include "skipseg/testing/SlicerSchema.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <itkImageRegionIteratorWithIndex.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace {

using skipseg::io::FloatImage;
using skipseg::io::LabelImage;
namespace fs = std::filesystem;

template <typename Image>
typename Image::Pointer blank(double spacing) {
  auto image = Image::New();
  typename Image::RegionType region;
  region.SetSize({{24, 24, 16}});
  image->SetRegions(region);
  typename Image::SpacingType spacings;
  spacings.Fill(spacing);
  image->SetSpacing(spacings);
  image->Allocate(true);
  return image;
}

// Labels 2 and 5: two blocks.
LabelImage::Pointer twoBlocks(double spacing = 1.0) {
  auto labels = blank<LabelImage>(spacing);
  itk::ImageRegionIteratorWithIndex<LabelImage> it(labels, labels->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    const auto index = it.GetIndex();
    if (index[1] > 6 && index[1] < 16 && index[2] > 3 && index[2] < 12) {
      if (index[0] > 3 && index[0] < 10) {
        it.Set(2);
      } else if (index[0] > 13 && index[0] < 20) {
        it.Set(5);
      }
    }
  }
  return labels;
}

int run(const std::vector<std::string>& arguments, std::string* errors = nullptr) {
  testing::internal::CaptureStderr();
  const int code = skipseg::programs::renderMain(arguments);
  const std::string captured = testing::internal::GetCapturedStderr();
  if (errors != nullptr) {
    *errors = captured;
  }
  return code;
}

TEST(RenderProgram, WritesMeshesAndPictures) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::io::writeLabelImage(twoBlocks().GetPointer(), folder.file("labels.nii.gz"));
  auto scan = blank<FloatImage>(1.0);
  scan->FillBuffer(-1000.0f);
  skipseg::io::writeImage(scan.GetPointer(), folder.file("scan.nii.gz"));
  ASSERT_EQ(run({folder.file("labels.nii.gz"), "--image", folder.file("scan.nii.gz"), "--output-dir",
                 folder.file("out"), "--mesh-format", "obj", "--size", "64"}),
            0);
  EXPECT_TRUE(fs::exists(folder.file("out/2_label_2.obj")));
  EXPECT_TRUE(fs::exists(folder.file("out/5_label_5.obj")));
  EXPECT_TRUE(fs::exists(folder.file("out/slices.png")));
  EXPECT_TRUE(fs::exists(folder.file("out/surfaces.png")));
}

TEST(RenderProgram, XmlValidatesAgainstSlicersSchema) {
  const auto result = skipseg::testing::runProgram("skipseg-render", {"--xml"});
  ASSERT_EQ(result.exitCode, 0) << result.standardError;
  EXPECT_NE(result.standardOutput.find("<label>Mesh format</label>"), std::string::npos);
  SKIPSEG_EXPECT_VALID_SLICER_XML(result.standardOutput);
}

// Slicer passes the label map and the scan by position, the output folder and options by flag.
TEST(RenderProgram, RunsExactlyAsSlicerWould) {
  skipseg::testing::TemporaryDirectory folder;
  const auto parameters = skipseg::testing::slicerParametersOf("skipseg-render");
  const auto commandLine = skipseg::testing::slicerCommandLine(
      parameters, {{"output-dir", {folder.file("out")}}, {"no-3d", {"true"}}}, folder.path());
  skipseg::io::writeLabelImage(twoBlocks().GetPointer(), commandLine.files.at("labels"));
  auto scan = blank<FloatImage>(1.0);
  scan->FillBuffer(40.0f);
  skipseg::io::writeImage(scan.GetPointer(), commandLine.files.at("image"));
  const auto result = skipseg::testing::runProgram("skipseg-render", commandLine.arguments);
  ASSERT_EQ(result.exitCode, 0) << result.standardError;
  EXPECT_TRUE(fs::exists(folder.file("out/2_label_2.vtp")));
  EXPECT_TRUE(fs::exists(folder.file("out/slices.png")));
  EXPECT_FALSE(fs::exists(folder.file("out/surfaces.png")));
}

TEST(RenderProgram, PicturesAndMeshesCanBeLeftOut) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::io::writeLabelImage(twoBlocks().GetPointer(), folder.file("labels.nrrd"));
  ASSERT_EQ(run({folder.file("labels.nrrd"), "--output-dir", folder.file("out"), "--mesh-format", "none", "--no-3d"}),
            0);
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder.file("out"))) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"slices.png"});
}

// A model file as --label-names: the mesh files carry the model's names (read without LibTorch).
TEST(RenderProgram, MeshesAreNamedAfterTheLabelsOfAModelFile) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::io::writeLabelImage(twoBlocks().GetPointer(), folder.file("labels.nrrd"));
  ASSERT_EQ(run({folder.file("labels.nrrd"), "--output-dir", folder.file("out"), "--label-names",
                 skipseg::testing::sourcePath("Data/Models/brain-demo.ssm"), "--no-3d", "--no-slices"}),
            0);
  EXPECT_EQ(skipseg::testing::TemporaryDirectory::listingOf(folder.file("out")), "2_right_cerebrum.vtp 5_label_5.vtp");
}

TEST(RenderProgram, ImageOnAnotherGridIsBadInputAndWritesNothing) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::io::writeLabelImage(twoBlocks().GetPointer(), folder.file("labels.nii.gz"));
  skipseg::io::writeImage(blank<FloatImage>(2.0).GetPointer(), folder.file("scan.nii.gz"));
  std::string errors;
  EXPECT_EQ(
      run({folder.file("labels.nii.gz"), "--image", folder.file("scan.nii.gz"), "--output-dir", folder.file("out")},
          &errors),
      3);
  // Logs share stderr; the error is its one last line.
  const auto lastLine = errors.substr(errors.rfind('\n', errors.size() - 2) + 1);
  EXPECT_EQ(lastLine.rfind("skipseg-render: error: " + folder.file("labels.nii.gz") + ": not on the grid of", 0), 0u)
      << errors;
  EXPECT_FALSE(fs::exists(folder.file("out")));
}

// The output folder is checked before the labels are read (they do not exist here).
TEST(RenderProgram, AnOutputFolderUnderAFileFailsBeforeReading) {
  skipseg::testing::TemporaryDirectory folder;
  std::ofstream(folder.file("file")) << "a file";
  std::string errors;
  EXPECT_EQ(run({folder.file("absent.nii.gz"), "--output-dir", folder.file("file/out")}, &errors), 6);
  EXPECT_EQ(errors, "skipseg-render: error: " + folder.file("file/out") + ": cannot write under " +
                        folder.file("file") + ": Not a directory\n");
  EXPECT_EQ(folder.listing(), "file");
}

TEST(RenderProgram, BadOptionsAreUsageErrors) {
  skipseg::testing::TemporaryDirectory folder;
  std::string errors;
  EXPECT_EQ(run({"labels.nii.gz", "--output-dir", folder.file("out"), "--mesh-format", "ply"}, &errors), 2);
  EXPECT_NE(errors.find("--mesh-format must be one of vtp|stl|obj|none"), std::string::npos) << errors;
  EXPECT_EQ(run({"labels.nii.gz", "--output-dir", folder.file("out"), "--decimation", "1.5"}, &errors), 2);
  EXPECT_EQ(run({"--output-dir", folder.file("out")}, &errors), 2);
}

TEST(RenderProgram, CommandLineRendersTheTotalSegmentatorExample) {
  SKIPSEG_REQUIRE_SHARED_DATA(ct, "totalsegmentator/example_ct_sm.nii.gz");
  SKIPSEG_REQUIRE_SHARED_DATA(seg, "totalsegmentator/example_seg_fast.nii.gz");
  SKIPSEG_REQUIRE_SHARED_DATA(names, "totalsegmentator/labels_total_v2.json");
  skipseg::testing::TemporaryDirectory folder;
  const auto result = skipseg::testing::runProgram(
      "skipseg-render",
      {seg, "--image", ct, "--label-names", names, "--output-dir", folder.file("out"), "--size", "256"});
  ASSERT_EQ(result.exitCode, 0) << result.standardError;
  EXPECT_TRUE(fs::exists(folder.file("out/5_liver.vtp")));
  EXPECT_TRUE(fs::exists(folder.file("out/1_spleen.vtp")));
  EXPECT_TRUE(fs::exists(folder.file("out/slices.png")));
  EXPECT_TRUE(fs::exists(folder.file("out/surfaces.png")));
}

}  // namespace
