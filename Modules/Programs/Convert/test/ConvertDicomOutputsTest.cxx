// skipseg-convert LABELS --reference-series DIR --output-dicom-seg/--output-rtstruct, as users run it. What
// the objects hold voxel for voxel is SkipSegDicomObjects' tests; here: the command line, validity,
// names, refusals and that a failure leaves nothing.
#include "skipseg/io/Geometry.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/ImageWriter.h"
#include "skipseg/io/Orientation.h"
#include "skipseg/testing/DicomChecks.h"
#include "skipseg/testing/RunProgram.h"
#include "skipseg/testing/SyntheticDicom.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace skipseg::programs {
namespace {

using skipseg::testing::dciodvfyErrors;
using skipseg::testing::runProgram;
using skipseg::testing::TemporaryDirectory;

// Four 16x12 CT slices, 2 mm apart; returns the grid they are read on.
ImageGeometry writeSeries(const std::string& folder) {
  std::filesystem::create_directories(folder);
  for (int n = 0; n < 4; ++n) {
    skipseg::testing::DicomSliceSpec spec;
    spec.columns = 16;
    spec.rows = 12;
    spec.position = {{-5, 3, 2.0 * n}};
    skipseg::testing::writeDicomSlice(folder + "/s" + std::to_string(n) + ".dcm", spec, n + 1);
  }
  return io::geometryOf(io::readImage(folder).image);
}

// Label 3 (liver) and label 7 (spleen) boxes on `grid`, written in RAS order (the series is LPS).
void writeLabels(const ImageGeometry& grid, const std::string& path) {
  auto labels = makeLabelImage(grid);
  for (long k = 1; k < 3; ++k) {
    for (long j = 2; j < 8; ++j) {
      for (long i = 2; i < 14; ++i) {
        labels->SetPixel({{i, j, k}}, i < 8 ? 3 : 7);
      }
    }
  }
  io::writeLabelImage(io::reorient(labels.GetPointer(), "RAS"), path);
}

// Attributes read back with pydicom: "<study uid> <names...>" of a SEG's segments or an RTSTRUCT's ROIs.
std::string studyAndNames(const std::string& file) {
  const auto result =
      runProgram("/usr/bin/python3", {"-c",
                                      "import sys, pydicom\n"
                                      "d = pydicom.dcmread(sys.argv[1])\n"
                                      "names = [s.SegmentLabel for s in d.SegmentSequence] if d.Modality == 'SEG' else "
                                      "[r.ROIName for r in d.StructureSetROISequence]\n"
                                      "print(d.StudyInstanceUID, *names)\n",
                                      file});
  return result.standardOutput;
}

TEST(ConvertDicomOutputs, LabelMapBecomesValidSegAndRtStructOfItsSeries) {
  SKIPSEG_REQUIRE_DCMTK();
  TemporaryDirectory folder;
  const ImageGeometry grid = writeSeries(folder.file("series"));
  writeLabels(grid, folder.file("labels.nii.gz"));
  std::ofstream(folder.file("names.txt")) << "3 liver 200 100 50\n7 spleen 50 100 200\n";
  const auto result =
      runProgram("skipseg-convert", {folder.file("labels.nii.gz"), "--reference-series", folder.file("series"),
                                     "--output-dicom-seg", folder.file("out/seg.dcm"), "--output-rtstruct",
                                     folder.file("out/rt.dcm"), "--label-names", folder.file("names.txt")});
  ASSERT_EQ(result.exitCode, 0) << result.standardError;
  EXPECT_EQ(dciodvfyErrors(folder.file("out/seg.dcm")), "");
  EXPECT_EQ(dciodvfyErrors(folder.file("out/rt.dcm")), "");
  const std::string study = skipseg::testing::DicomSliceSpec().studyUid;
  EXPECT_EQ(studyAndNames(folder.file("out/seg.dcm")), study + " liver spleen\n");
  EXPECT_EQ(studyAndNames(folder.file("out/rt.dcm")), study + " liver spleen\n");
  EXPECT_EQ(TemporaryDirectory::listingOf(folder.file("out")), "rt.dcm seg.dcm");
}

TEST(ConvertDicomOutputs, ALabelMapThatIsNotDicomNeedsAReferenceSeries) {
  SKIPSEG_REQUIRE_DCMTK();
  TemporaryDirectory folder;
  writeLabels(writeSeries(folder.file("series")), folder.file("labels.nii.gz"));
  const auto result =
      runProgram("skipseg-convert", {folder.file("labels.nii.gz"), "--output-dicom-seg", folder.file("seg.dcm")});
  EXPECT_EQ(result.exitCode, 2);
  EXPECT_EQ(result.standardError,
            "skipseg-convert: error: --output-dicom-seg and --output-rtstruct need a DICOM "
            "series: " +
                folder.file("labels.nii.gz") +
                " is not one, give --reference-series DIR (the series the scan was converted "
                "from)\n");
  EXPECT_FALSE(std::filesystem::exists(folder.file("seg.dcm")));
}

TEST(ConvertDicomOutputs, LabelsOffTheSeriesGridAreRefusedAndNothingIsWritten) {
  SKIPSEG_REQUIRE_DCMTK();
  TemporaryDirectory folder;
  ImageGeometry other = writeSeries(folder.file("series"));
  other.spacing[2] = 3.0;  // the series' slices are 2 mm apart
  writeLabels(other, folder.file("labels.nii.gz"));
  const auto result =
      runProgram("skipseg-convert", {folder.file("labels.nii.gz"), "--reference-series", folder.file("series"),
                                     "--output-rtstruct", folder.file("rt.dcm")});
  EXPECT_EQ(result.exitCode, 3);
  EXPECT_NE(result.standardError.find(folder.file("labels.nii.gz") + ": not on the grid of the DICOM series"),
            std::string::npos)
      << result.standardError;
  EXPECT_FALSE(std::filesystem::exists(folder.file("rt.dcm")));
}

TEST(ConvertDicomOutputs, AFailureTakesBackWhatTheRunHadWritten) {
  SKIPSEG_REQUIRE_DCMTK();
  TemporaryDirectory folder;
  // No labelled voxel: OUTPUT is written first, then the SEG is refused, and OUTPUT goes with it.
  io::writeLabelImage(makeLabelImage(writeSeries(folder.file("series"))), folder.file("empty.nii.gz"));
  const auto result =
      runProgram("skipseg-convert", {folder.file("empty.nii.gz"), folder.file("out/copy.nrrd"), "--reference-series",
                                     folder.file("series"), "--output-dicom-seg", folder.file("out/seg.dcm")});
  EXPECT_EQ(result.exitCode, 5);
  EXPECT_NE(result.standardError.find(folder.file("out/seg.dcm") + ": the label map has no labelled voxel"),
            std::string::npos)
      << result.standardError;
  EXPECT_EQ(TemporaryDirectory::listingOf(folder.file("out")), "");
}

TEST(ConvertDicomOutputs, DicomObjectsMustBeDcmFiles) {
  SKIPSEG_REQUIRE_DCMTK();
  TemporaryDirectory folder;
  writeLabels(writeSeries(folder.file("series")), folder.file("labels.nii.gz"));
  const auto result =
      runProgram("skipseg-convert", {folder.file("labels.nii.gz"), "--reference-series", folder.file("series"),
                                     "--output-dicom-seg", folder.file("seg.nii")});
  EXPECT_EQ(result.exitCode, 2);
  EXPECT_EQ(result.standardError, "skipseg-convert: error: --output-dicom-seg " + folder.file("seg.nii") +
                                      ": a DICOM object's file name must end in .dcm\n");
}

}  // namespace
}  // namespace skipseg::programs
