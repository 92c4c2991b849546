// skipseg-segment as users run it: real scans, the fixtures' models, errors, and Slicer's way.
#include "skipseg/core/JsonFile.h"
#include "skipseg/io/Geometry.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/ImageWriter.h"
#include "skipseg/programs/SegmentProgram.h"
#include "skipseg/testing/RunProgram.h"
#include "skipseg/testing/SlicerInvocation.h"
#include "skipseg/testing/SlicerSchema.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <gtest/gtest.h>
#include <itkImageFileReader.h>
#include <itkVectorImage.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>

namespace {

using skipseg::testing::runProgram;
using skipseg::testing::TemporaryDirectory;

std::set<unsigned> labelsPresent(const skipseg::io::LabelImage* labels) {
  const auto count = labels->GetBufferedRegion().GetNumberOfPixels();
  const auto* values = labels->GetBufferPointer();
  return std::set<unsigned>(values, values + count);
}

void expectOnTheScan(const std::string& labelsPath, const std::string& scanPath) {
  auto labels = skipseg::io::readLabelImage(labelsPath);
  auto scan = skipseg::io::readImage(scanPath).image;
  EXPECT_TRUE(skipseg::io::geometryOf(labels.GetPointer()).sameGrid(skipseg::io::geometryOf(scan.GetPointer()), 1e-5))
      << "labels " << skipseg::io::geometryOf(labels.GetPointer()).describe() << " vs scan "
      << skipseg::io::geometryOf(scan.GetPointer()).describe();
}

TEST(SegmentProgram, TorchScriptFixtureOnRealCtWritesLabelsSidecarAndProbabilities) {
  SKIPSEG_REQUIRE_SHARED_DATA(scan, "totalsegmentator/example_ct_sm.nii.gz");
  SKIPSEG_REQUIRE_FIXTURE(model, "torchscript_unet3d/model.pt");
  TemporaryDirectory folder;
  const int code = skipseg::programs::segmentMain(
      {"--input", scan, "--model", model, "--output", folder.file("labels.nii.gz"), "--probabilities",
       folder.file("probabilities.nrrd"), "--threads", "2", "--log-level", "warning"});
  ASSERT_EQ(code, 0);
  expectOnTheScan(folder.file("labels.nii.gz"), scan);
  const auto present = labelsPresent(skipseg::io::readLabelImage(folder.file("labels.nii.gz")).GetPointer());
  for (const unsigned label : present) {
    EXPECT_LE(label, 2u);
  }

  const auto sidecar = skipseg::readJsonFile(folder.file("labels.json"));
  for (const char* stage : {"read", "preprocess", "network", "resample", "write", "total"}) {
    EXPECT_TRUE(sidecar["timings_seconds"].contains(stage)) << stage;
  }
  EXPECT_EQ(sidecar["model"]["orientation"], "RAS");
  EXPECT_EQ(sidecar["model"]["kind"], "torchscript");
  EXPECT_EQ(sidecar["model"]["format"], "skipseg-torchscript/1");
  EXPECT_EQ(sidecar["models"][0], model);
  EXPECT_TRUE(sidecar["labels"].contains("liver"));
  // When the run started and finished: UTC, ISO 8601, in order.
  const std::regex utc(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)");
  const std::string started = sidecar["started_at"], finished = sidecar["finished_at"];
  EXPECT_TRUE(std::regex_match(started, utc)) << started;
  EXPECT_TRUE(std::regex_match(finished, utc)) << finished;
  EXPECT_LT(started, finished);

  // The probabilities name their components: the model's labels, in order.
  const auto named = skipseg::io::readMultiChannelImage(folder.file("probabilities.nrrd"));
  ASSERT_EQ(named.components.size(), 3u);
  EXPECT_EQ(named.components[0].name, "background");
  EXPECT_EQ(named.components[0].value, 0);
  EXPECT_EQ(named.components[1].name, "liver");

  skipseg::io::registerImageIOFactories();
  auto reader = itk::ImageFileReader<itk::VectorImage<float, 3>>::New();
  reader->SetFileName(folder.file("probabilities.nrrd"));
  reader->Update();
  EXPECT_EQ(reader->GetOutput()->GetNumberOfComponentsPerPixel(), 3u);
  EXPECT_TRUE(skipseg::io::geometryOf(reader->GetOutput())
                  .sameGrid(skipseg::io::geometryOf(skipseg::io::readImage(scan).image.GetPointer()), 1e-5));
  // Probabilities of a voxel sum to one.
  itk::VectorImage<float, 3>::IndexType index{{40, 50, 10}};
  const auto pixel = reader->GetOutput()->GetPixel(index);
  EXPECT_NEAR(pixel[0] + pixel[1] + pixel[2], 1.0, 1e-4);
}

TEST(SegmentProgram, NnUNetFolderOnDicomSeriesGivesLabelsOnTheSeriesGrid) {
  SKIPSEG_REQUIRE_SHARED_DATA(series, "totalsegmentator/example_ct_dicom");
  SKIPSEG_REQUIRE_FIXTURE(model, "nnunet_v2_plain3d");
  TemporaryDirectory folder;
  const int code = skipseg::programs::segmentMain({"--input", series, "--model", model, "--output",
                                                   folder.file("labels.nrrd"), "--threads", "2", "--overlap", "0",
                                                   "--largest-component", "per-label", "--probabilities",
                                                   folder.file("probabilities.nii.gz"), "--log-level", "warning"});
  ASSERT_EQ(code, 0);
  expectOnTheScan(folder.file("labels.nrrd"), series);
  const auto sidecar = skipseg::readJsonFile(folder.file("labels.json"));
  EXPECT_EQ(sidecar["model"]["axis_order"], "zyx");
  EXPECT_TRUE(sidecar["model"]["crop_to_nonzero"].get<bool>());
  EXPECT_TRUE(sidecar["postprocessing"].contains("largest_component"));
  EXPECT_EQ(sidecar["model"]["kind"], "nnunet");
  EXPECT_EQ(sidecar["model"]["format"], "nnunet-v2");
  // NIfTI probabilities: the component names in probabilities.components.json, listed among the outputs.
  EXPECT_TRUE(std::find(sidecar["outputs"].begin(), sidecar["outputs"].end(),
                        folder.file("probabilities.components.json")) != sidecar["outputs"].end())
      << sidecar["outputs"].dump();
  const auto named = skipseg::io::readMultiChannelImage(folder.file("probabilities.nii.gz"));
  ASSERT_EQ(named.components.size(), named.info.components);
  EXPECT_EQ(named.components[0].name, "background");
  EXPECT_EQ(named.components[1].name, "liver");
}

TEST(SegmentProgram, MissingScanIsOneLineExitThreeAndNothingWritten) {
  SKIPSEG_REQUIRE_FIXTURE(model, "torchscript_unet3d/model.pt");
  TemporaryDirectory folder;
  const auto result = runProgram("skipseg-segment", {"--input", folder.file("absent.nii.gz"), "--model", model,
                                                     "--output", folder.file("out/labels.nii.gz")});
  EXPECT_EQ(result.exitCode, 3);
  // The scan is checked before the model is loaded: the error is the only thing said.
  EXPECT_EQ(result.standardError,
            "skipseg-segment: error: " + folder.file("absent.nii.gz") + ": no such file or folder\n");
  EXPECT_EQ(folder.listing(), "");
}

// GPU machines build without VTK (SKIPSEG_WITH_VTK=OFF): --render is refused before the scan is read.
TEST(SegmentProgram, RenderInABuildWithoutVtkIsRefusedAndNothingWritten) {
#if SKIPSEG_TESTS_HAVE_VTK
  GTEST_SKIP() << "this build has VTK: --render works (SegmentInterruptTest, Render module tests)";
#endif
  SKIPSEG_REQUIRE_SHARED_DATA(scan, "totalsegmentator/example_ct_sm.nii.gz");
  SKIPSEG_REQUIRE_FIXTURE(model, "torchscript_unet3d/model.pt");
  TemporaryDirectory folder;
  const auto result =
      runProgram("skipseg-segment", {"--input", scan, "--model", model, "--output", folder.file("out/labels.nii.gz"),
                                     "--render", folder.file("pics")});
  EXPECT_EQ(result.exitCode, 5);
  EXPECT_EQ(result.standardError, "skipseg-segment: error: " + folder.file("pics") +
                                      ": pictures and meshes need SkipSeg built with VTK; this build has none "
                                      "(SKIPSEG_WITH_VTK=OFF)\n");
  EXPECT_EQ(folder.listing(), "");
}

TEST(SegmentProgram, UnreadableModelIsBadInputNamingTheModel) {
  SKIPSEG_REQUIRE_SHARED_DATA(scan, "totalsegmentator/example_ct_sm.nii.gz");
  TemporaryDirectory folder;
  { std::ofstream(folder.file("broken.pt")) << "not a model"; }
  const auto result = runProgram("skipseg-segment", {"--input", scan, "--model", folder.file("broken.pt"), "--output",
                                                     folder.file("labels.nii.gz")});
  EXPECT_EQ(result.exitCode, 3) << result.standardError;
  EXPECT_NE(result.standardError.find(folder.file("broken.pt")), std::string::npos) << result.standardError;
  EXPECT_EQ(folder.listing(), "broken.pt");
}

TEST(SegmentProgram, BadOptionValuesAreUsageErrors) {
  TemporaryDirectory folder;
  const auto overlap = runProgram("skipseg-segment", {"--input", "a.nii", "--output", folder.file("l.nii.gz"),
                                                      "--model", "m.pt", "--overlap", "1.5"});
  EXPECT_EQ(overlap.exitCode, 2);
  EXPECT_EQ(overlap.standardError, "skipseg-segment: error: --overlap must be in [0, 1)\n");
  const auto mirror = runProgram("skipseg-segment", {"a.nii", folder.file("l.nii.gz"), "--mirror", "some"});
  EXPECT_EQ(mirror.exitCode, 2);
  EXPECT_EQ(mirror.standardError, "skipseg-segment: error: --mirror must be one of off|all, not \"some\"\n");
  EXPECT_EQ(folder.listing(), "");
}

// --preview: one annotated picture of the slices beside the labels, no mesh and no 3D (no X display needed).
TEST(SegmentProgram, PreviewWritesOnePictureAndNoMeshes) {
#if !SKIPSEG_TESTS_HAVE_VTK
  GTEST_SKIP() << "a build without VTK refuses --preview as it refuses --render";
#endif
  SKIPSEG_REQUIRE_SHARED_DATA(scan, "totalsegmentator/example_ct_sm.nii.gz");
  const std::string model = skipseg::testing::sourcePath("Data/Testing/derivative_ras_xyz.pt");
  TemporaryDirectory folder;
  const auto result =
      runProgram("skipseg-segment", {"--input", scan, "--model", model, "--output", folder.file("labels.nii.gz"),
                                     "--preview", folder.file("preview.png"), "--threads", "1"});
  ASSERT_EQ(result.exitCode, 0) << result.standardError;
  EXPECT_EQ(folder.listing(), "labels.json labels.nii.gz preview.png");
  const auto sidecar = skipseg::readJsonFile(folder.file("labels.json"));
  EXPECT_NE(sidecar["outputs"].dump().find("preview.png"), std::string::npos) << sidecar["outputs"].dump();
  std::ifstream png(folder.file("preview.png"), std::ios::binary);
  char magic[4] = {};
  png.read(magic, 4);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");

  // A preview is a picture: a name without .png is refused before any work, nothing written.
  TemporaryDirectory refused;
  const auto folderName =
      runProgram("skipseg-segment", {"--input", scan, "--model", model, "--output", refused.file("labels.nii.gz"),
                                     "--preview", refused.file("pics")});
  EXPECT_EQ(folderName.exitCode, 2);
  EXPECT_EQ(folderName.standardError, "skipseg-segment: error: --preview must name a .png file, not \"" +
                                          refused.file("pics") + "\" (--render DIR writes a folder)\n");
  EXPECT_EQ(refused.listing(), "");
}

// Slicer reads --xml, then passes NRRD temporaries by index and every option by its long flag.
TEST(SegmentProgram, RunsExactlyAsSlicerWouldWithNrrdInAndOut) {
  SKIPSEG_REQUIRE_SHARED_DATA(scan, "totalsegmentator/example_ct_sm.nii.gz");
  SKIPSEG_REQUIRE_FIXTURE(model, "torchscript_unet3d/model.pt");
  TemporaryDirectory folder;
  const auto parameters = skipseg::testing::slicerParametersOf("skipseg-segment");
  const auto commandLine = skipseg::testing::slicerCommandLine(
      parameters, {{"model", {model}}, {"threads", {"2"}}, {"largest-component", {"per-label"}}}, folder.path());
  ASSERT_EQ(commandLine.files.count("input"), 1u);
  ASSERT_EQ(commandLine.files.count("output"), 1u);
  const std::string input = commandLine.files.at("input");
  const std::string output = commandLine.files.at("output");
  EXPECT_EQ(input.substr(input.size() - 5), ".nrrd");
  skipseg::io::writeImage(skipseg::io::readImage(scan).image.GetPointer(), input);

  auto arguments = commandLine.arguments;
  const auto result = runProgram("skipseg-segment", arguments);
  ASSERT_EQ(result.exitCode, 0) << result.standardError;
  expectOnTheScan(output, scan);
}

TEST(SegmentProgram, XmlValidatesAgainstSlicersSchemaWithHumanLabels) {
  const auto result = runProgram("skipseg-segment", {"--xml"});
  ASSERT_EQ(result.exitCode, 0) << result.standardError;
  EXPECT_NE(result.standardOutput.find("<label>Tile batch</label>"), std::string::npos);
  EXPECT_EQ(result.standardOutput.find("<label>tile-batch</label>"), std::string::npos);
  SKIPSEG_EXPECT_VALID_SLICER_XML(result.standardOutput);
}

TEST(SegmentProgram, XmlDescribesInputScalarAndOutputLabelImages) {
  const auto parameters = skipseg::testing::slicerParametersOf("skipseg-segment");
  const auto input =
      std::find_if(parameters.begin(), parameters.end(), [](const auto& p) { return p.name == "input"; });
  const auto output =
      std::find_if(parameters.begin(), parameters.end(), [](const auto& p) { return p.name == "output"; });
  ASSERT_NE(input, parameters.end());
  ASSERT_NE(output, parameters.end());
  EXPECT_EQ(input->element, "image");
  EXPECT_EQ(input->type, "scalar");
  EXPECT_EQ(input->channel, "input");
  EXPECT_EQ(input->index, 0);
  EXPECT_EQ(output->type, "label");
  EXPECT_EQ(output->channel, "output");
  EXPECT_EQ(output->index, 1);
  EXPECT_EQ(output->fileExtensions.front(), ".nrrd");
}

}  // namespace

// A model exported to TorchScript segments like the .ssm file it came from: the same labels on a
// real CT (nnU-Net's fixture, imported to .ssm and exported with skipseg-model).
TEST(SegmentProgram, TorchScriptExportGivesTheLabelsOfItsSsmModel) {
  SKIPSEG_REQUIRE_SHARED_DATA(scan, "totalsegmentator/example_ct_sm.nii.gz");
  SKIPSEG_REQUIRE_FIXTURE(nnunet, "nnunet_v2_plain3d");
  TemporaryDirectory folder;
  const auto imported = runProgram("skipseg-model", {"import", nnunet, folder.file("liver.ssm"), "--folds", "0"});
  ASSERT_EQ(imported.exitCode, 0) << imported.standardError;
  const auto exported = runProgram("skipseg-model", {"export", folder.file("liver.ssm"), folder.file("liver.pt")});
  ASSERT_EQ(exported.exitCode, 0) << exported.standardError;
  for (const char* model : {"liver.ssm", "liver.pt"}) {
    const std::string stem = std::string(model) == "liver.pt" ? "from-pt" : "from-ssm";
    ASSERT_EQ(
        skipseg::programs::segmentMain({"--input", scan, "--model", folder.file(model), "--output",
                                        folder.file(stem + ".nii.gz"), "--threads", "2", "--log-level", "warning"}),
        0)
        << model;
  }
  const auto fromSsm = skipseg::io::readLabelImage(folder.file("from-ssm.nii.gz"));
  const auto fromPt = skipseg::io::readLabelImage(folder.file("from-pt.nii.gz"));
  const auto count = fromSsm->GetBufferedRegion().GetNumberOfPixels();
  ASSERT_EQ(count, fromPt->GetBufferedRegion().GetNumberOfPixels());
  std::size_t differing = 0;
  for (std::size_t i = 0; i < count; ++i) {
    differing += fromSsm->GetBufferPointer()[i] != fromPt->GetBufferPointer()[i] ? 1 : 0;
  }
  EXPECT_EQ(differing, 0u) << "of " << count << " voxels";
  EXPECT_GT(labelsPresent(fromSsm.GetPointer()).size(), 1u);  // something was segmented, not all background
  EXPECT_EQ(skipseg::readJsonFile(folder.file("from-pt.json"))["model"]["output"], "logits");
  const auto fromSsmSidecar = skipseg::readJsonFile(folder.file("from-ssm.json"));
  EXPECT_EQ(fromSsmSidecar["model"]["kind"], "skipseg");
  EXPECT_EQ(fromSsmSidecar["model"]["format"], "skipseg-model/1");
}
