// skipseg-segment --output-dicom-seg / --output-rtstruct: objects that reference the series the scan is,
// or --reference-series for a scan converted from it; refusals before any work, nothing left behind.
#include "skipseg/core/JsonFile.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/ImageWriter.h"
#include "skipseg/programs/SegmentProgram.h"
#include "skipseg/testing/DicomChecks.h"
#include "skipseg/testing/RunProgram.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

namespace {

using skipseg::testing::dciodvfyErrors;
using skipseg::testing::runProgram;
using skipseg::testing::TemporaryDirectory;

// "<study> <series referenced> <names...>" of a SEG (segments) or an RTSTRUCT (ROIs), read with pydicom.
// The fixture model's labels are liver and spleen; both are present in the CT.
std::string referencesAndNames(const std::string& file) {
  return runProgram("/usr/bin/python3",
                    {"-c",
                     "import sys, pydicom\n"
                     "d = pydicom.dcmread(sys.argv[1])\n"
                     "if d.Modality == 'SEG':\n"
                     "    series = d.ReferencedSeriesSequence[0].SeriesInstanceUID\n"
                     "    names = [s.SegmentLabel for s in d.SegmentSequence]\n"
                     "else:\n"
                     "    study = d.ReferencedFrameOfReferenceSequence[0].RTReferencedStudySequence[0]\n"
                     "    series = study.RTReferencedSeriesSequence[0].SeriesInstanceUID\n"
                     "    names = [r.ROIName for r in d.StructureSetROISequence]\n"
                     "print(d.StudyInstanceUID, series, *names)\n",
                     file})
      .standardOutput;
}

// The shared CT series copied with its UIDs restored (SEG and RTSTRUCT must reference them) into
// FOLDER/ct, and the nnU-Net fixture model.
class SegmentDicomOutputsFromSeries : public ::testing::Test {
 protected:
  void SetUp() override {
    SKIPSEG_REQUIRE_DCMTK();
    SKIPSEG_REQUIRE_SHARED_DATA(shared, "totalsegmentator/example_ct_dicom");
    SKIPSEG_REQUIRE_FIXTURE(nnunet, "nnunet_v2_plain3d");
    model = nnunet;
    series = skipseg::testing::copyDicomSeriesWithUids(shared, folder.file("ct"));
    ASSERT_FALSE(series.empty());
  }

  TemporaryDirectory folder;
  std::string model, series;
};

TEST_F(SegmentDicomOutputsFromSeries, DicomSeriesGivesSegAndRtStructReferencingIt) {
  const int code = skipseg::programs::segmentMain(
      {"--input", series, "--model", model, "--output", folder.file("out/labels.nii.gz"), "--threads", "2", "--overlap",
       "0", "--output-dicom-seg", folder.file("out/labels.seg.dcm"), "--output-rtstruct",
       folder.file("out/labels.rtstruct.dcm"), "--log-level", "warning"});
  ASSERT_EQ(code, 0);
  EXPECT_EQ(dciodvfyErrors(folder.file("out/labels.seg.dcm")), "");
  EXPECT_EQ(dciodvfyErrors(folder.file("out/labels.rtstruct.dcm")), "");
  const auto source = skipseg::io::readImage(series).info.dicomSource;
  ASSERT_TRUE(source.has_value());
  const std::string expected = source->studyInstanceUid + " " + source->seriesInstanceUid + " liver spleen\n";
  EXPECT_EQ(referencesAndNames(folder.file("out/labels.seg.dcm")), expected);
  EXPECT_EQ(referencesAndNames(folder.file("out/labels.rtstruct.dcm")), expected);
  const auto sidecar = skipseg::readJsonFile(folder.file("out/labels.json"));
  for (const char* name : {"out/labels.seg.dcm", "out/labels.rtstruct.dcm"}) {
    EXPECT_TRUE(std::find(sidecar["outputs"].begin(), sidecar["outputs"].end(), folder.file(name)) !=
                sidecar["outputs"].end())
        << sidecar["outputs"].dump();
  }
}

TEST_F(SegmentDicomOutputsFromSeries, ScanConvertedFromTheSeriesReferencesItWithReferenceSeries) {
  const auto read = skipseg::io::readImage(series);
  skipseg::io::writeImage(read.image, folder.file("ct.nii.gz"));
  const int code = skipseg::programs::segmentMain({"--input", folder.file("ct.nii.gz"), "--model", model, "--output",
                                                   folder.file("out/labels.nii.gz"), "--threads", "2", "--overlap", "0",
                                                   "--reference-series", series, "--output-dicom-seg",
                                                   folder.file("out/labels.seg.dcm"), "--log-level", "warning"});
  ASSERT_EQ(code, 0);
  EXPECT_EQ(dciodvfyErrors(folder.file("out/labels.seg.dcm")), "");
  EXPECT_EQ(
      referencesAndNames(folder.file("out/labels.seg.dcm")),
      read.info.dicomSource->studyInstanceUid + " " + read.info.dicomSource->seriesInstanceUid + " liver spleen\n");
}

TEST_F(SegmentDicomOutputsFromSeries, BatchWritesEachDicomCasesObjectsBesideItsLabels) {
  const auto run = runProgram("skipseg-batch", {"--model", model, "--input", series, "--output-dir", folder.file("out"),
                                                "--threads", "2", "--overlap", "0", "--dicom-seg", "--rtstruct"});
  ASSERT_EQ(run.exitCode, 0) << run.standardError;
  EXPECT_EQ(dciodvfyErrors(folder.file("out/ct.seg.dcm")), "");
  EXPECT_EQ(dciodvfyErrors(folder.file("out/ct.rtstruct.dcm")), "");
  const auto source = skipseg::io::readImage(series).info.dicomSource;
  EXPECT_EQ(referencesAndNames(folder.file("out/ct.seg.dcm")),
            source->studyInstanceUid + " " + source->seriesInstanceUid + " liver spleen\n");
}

TEST(SegmentDicomOutputs, BatchCaseThatIsNotDicomFailsAndLeavesNothing) {
  SKIPSEG_REQUIRE_DCMTK();
  SKIPSEG_REQUIRE_SHARED_DATA(scan, "totalsegmentator/example_ct_sm.nii.gz");
  SKIPSEG_REQUIRE_FIXTURE(model, "torchscript_unet3d/model.pt");
  TemporaryDirectory folder;
  std::filesystem::create_directories(folder.file("in"));
  std::filesystem::copy_file(scan, folder.file("in/ct.nii.gz"));
  const auto run = runProgram("skipseg-batch", {"--model", model, "--input", folder.file("in"), "--output-dir",
                                                folder.file("out"), "--threads", "2", "--dicom-seg"});
  EXPECT_EQ(run.exitCode, 1) << run.standardError;
  EXPECT_NE(run.standardError.find(folder.file("in/ct.nii.gz") +
                                   ": not a DICOM series: a DICOM SEG or RTSTRUCT must reference the series"),
            std::string::npos)
      << run.standardError;
  for (const char* name : {"out/ct.nii.gz", "out/ct.json", "out/ct.seg.dcm"}) {
    EXPECT_FALSE(std::filesystem::exists(folder.file(name))) << name;
  }
}

TEST(SegmentDicomOutputs, ScanThatIsNotDicomWithoutReferenceSeriesIsRefusedBeforeAnyWork) {
  SKIPSEG_REQUIRE_DCMTK();
  SKIPSEG_REQUIRE_SHARED_DATA(scan, "totalsegmentator/example_ct_sm.nii.gz");
  SKIPSEG_REQUIRE_FIXTURE(model, "torchscript_unet3d/model.pt");
  TemporaryDirectory folder;
  const auto result =
      runProgram("skipseg-segment", {"--input", scan, "--model", model, "--output", folder.file("labels.nii.gz"),
                                     "--output-dicom-seg", folder.file("labels.seg.dcm")});
  EXPECT_EQ(result.exitCode, 2);
  EXPECT_EQ(result.standardError,
            "skipseg-segment: error: --output-dicom-seg and --output-rtstruct need a DICOM "
            "series: " +
                scan +
                " is not one, give --reference-series DIR (the series the scan was "
                "converted from)\n");
  EXPECT_EQ(folder.listing(), "");
}

TEST(SegmentDicomOutputs, ScanOffTheReferenceSeriesGridIsRefusedAndNothingIsWritten) {
  SKIPSEG_REQUIRE_DCMTK();
  SKIPSEG_REQUIRE_SHARED_DATA(shared, "totalsegmentator/example_ct_dicom");
  SKIPSEG_REQUIRE_SHARED_DATA(scan, "totalsegmentator/example_ct_sm.nii.gz");
  SKIPSEG_REQUIRE_FIXTURE(model, "torchscript_unet3d/model.pt");
  TemporaryDirectory folder;
  const std::string series = skipseg::testing::copyDicomSeriesWithUids(shared, folder.file("series"));
  ASSERT_FALSE(series.empty());
  const auto result = runProgram(
      "skipseg-segment", {"--input", scan, "--model", model, "--output", folder.file("out/labels.nii.gz"),
                          "--reference-series", series, "--output-rtstruct", folder.file("out/labels.rtstruct.dcm")});
  EXPECT_EQ(result.exitCode, 3);
  EXPECT_NE(result.standardError.find(scan + ": not on the grid of the DICOM series " + series), std::string::npos)
      << result.standardError;
  EXPECT_EQ(TemporaryDirectory::listingOf(folder.file("out")), "");
}

}  // namespace
