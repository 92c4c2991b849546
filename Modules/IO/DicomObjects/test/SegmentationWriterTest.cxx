#include "DerivedObjectTestSupport.h"

#include "skipseg/core/Error.h"
#include "skipseg/core/OutputTransaction.h"
#include "skipseg/dicomobjects/DerivedObjects.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/Orientation.h"
#include "skipseg/testing/DicomChecks.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

namespace skipseg::dicomobjects {
namespace {

using testing::paintShapes;
using testing::readSegmentationBack;
using testing::writeObliqueSeries;

// Frames a SEG of `labels` must hold: one per (label, slice) pair where the label is present.
std::size_t nonEmptyLabelSlices(const LabelImage& labels) {
  std::set<std::pair<LabelValue, long>> pairs;
  const auto size = labels.GetLargestPossibleRegion().GetSize();
  const std::size_t slice = size[0] * size[1];
  for (std::size_t n = 0; n < labels.GetLargestPossibleRegion().GetNumberOfPixels(); ++n) {
    if (labels.GetBufferPointer()[n] != 0) {
      pairs.insert({labels.GetBufferPointer()[n], static_cast<long>(n / slice)});
    }
  }
  return pairs.size();
}

TEST(DicomSegmentation, ObliqueSeriesReadsBackVoxelForVoxelAndValidates) {
  skipseg::testing::TemporaryDirectory folder;
  writeObliqueSeries(folder.file("series"), 24, 20, 6);
  const DicomReference reference = readDicomReference(folder.file("series"));
  const auto labels = paintShapes(*makeLabelImage(reference.grid));
  DerivedObjectInfo info;
  info.labels = {{1, "liver", {{0.9, 0.5, 0.3}}}, {2, "kidney_left", {{0.2, 0.4, 1.0}}}};
  info.modelName = "demo";
  const std::string path = folder.file("seg.dcm");
  writeDicomSegmentation(*labels, reference, info, path);

  const auto validation = skipseg::testing::runDciodvfy(path);
  EXPECT_TRUE(validation.errors.empty()) << skipseg::testing::joinedLines(validation.errors);
  for (const auto& warning : validation.warnings) {
    std::cout << "dciodvfy (SEG, oblique): " << warning << "\n";
  }
  const auto back = readSegmentationBack(path, *labels, reference.identity);
  ASSERT_TRUE(back.problems.empty()) << skipseg::testing::joinedLines(back.problems);
  EXPECT_EQ(testing::differingVoxels(*back.labels, *labels), 0u);
  EXPECT_EQ(back.frames, nonEmptyLabelSlices(*labels));
  EXPECT_EQ(back.names.at(1), "liver");
  EXPECT_EQ(back.names.at(2), "kidney_left");
  EXPECT_EQ(back.names.at(5), "label_5");
}

TEST(DicomSegmentation, SharedCtSeriesWithBlankedUidsIsRefusedNamingWhatIsMissing) {
  SKIPSEG_REQUIRE_SHARED_DATA(series, "totalsegmentator/example_ct_dicom");
  const DicomReference reference = readDicomReference(series);
  skipseg::testing::TemporaryDirectory folder;
  const std::string path = folder.file("seg.dcm");
  try {
    writeDicomSegmentation(*makeLabelImage(reference.grid, 1), reference, {}, path);
    FAIL() << "a series without a Study Instance UID was referenced";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::BadInput);
    EXPECT_NE(std::string(error.what()).find("the series has no Study Instance UID (0020,000D)"), std::string::npos)
        << error.what();
  }
  EXPECT_EQ(folder.listing(), "");
}

TEST(DicomSegmentation, SharedCtSeriesWithItsLasLabelMapReadsBackVoxelForVoxel) {
  SKIPSEG_REQUIRE_SHARED_DATA(shared, "totalsegmentator/example_ct_dicom");
  SKIPSEG_REQUIRE_SHARED_DATA(labelsPath, "totalsegmentator/example_seg_dicom.nii.gz");
  skipseg::testing::TemporaryDirectory folder;
  const std::string series = skipseg::testing::copyDicomSeriesWithUids(shared, folder.file("series"));
  ASSERT_FALSE(series.empty());
  const DicomReference reference = readDicomReference(series);
  const auto stored = io::readLabelImage(labelsPath);
  ASSERT_NE(io::orientationCode(stored.GetPointer()), io::orientationCode(reference.grid));  // the case at hand
  const auto labels = labelsOnReferenceGrid(*stored, reference, labelsPath);
  const std::string path = folder.file("seg.dcm");
  DerivedObjectInfo info;
  info.labels = {{5, "liver", {{0.8, 0.4, 0.2}}}};
  writeDicomSegmentation(*labels, reference, info, path);

  const auto validation = skipseg::testing::runDciodvfy(path);
  EXPECT_TRUE(validation.errors.empty()) << skipseg::testing::joinedLines(validation.errors);
  for (const auto& warning : validation.warnings) {
    std::cout << "dciodvfy (SEG, example_ct_dicom): " << warning << "\n";
  }
  const auto back = readSegmentationBack(path, *labels, reference.identity);
  ASSERT_TRUE(back.problems.empty()) << skipseg::testing::joinedLines(back.problems);
  EXPECT_EQ(testing::differingVoxels(*back.labels, *labels), 0u);
  EXPECT_EQ(back.frames, nonEmptyLabelSlices(*labels));
  EXPECT_EQ(back.names.at(5), "liver");
}

TEST(DicomSegmentation, EmptyLabelMapIsRefusedAndLeavesNoFile) {
  skipseg::testing::TemporaryDirectory folder;
  writeObliqueSeries(folder.file("series"), 8, 6, 3);
  const DicomReference reference = readDicomReference(folder.file("series"));
  const std::string path = folder.file("seg.dcm");
  try {
    writeDicomSegmentation(*makeLabelImage(reference.grid), reference, {}, path);
    FAIL() << "an empty label map was written";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::Unsupported);
    EXPECT_NE(std::string(error.what()).find(path + ": the label map has no labelled voxel"), std::string::npos)
        << error.what();
  }
  EXPECT_EQ(folder.listing(), "series") << folder.listing();
}

TEST(DicomSegmentation, AnUncommittedTransactionTakesTheFileBack) {
  skipseg::testing::TemporaryDirectory folder;
  writeObliqueSeries(folder.file("series"), 24, 20, 3);
  const DicomReference reference = readDicomReference(folder.file("series"));
  const auto labels = paintShapes(*makeLabelImage(reference.grid));
  const std::string path = folder.file("seg.dcm");
  {
    OutputTransaction transaction;  // a later output of the same case fails: no commit
    writeDicomSegmentation(*labels, reference, {}, path);
    EXPECT_TRUE(std::filesystem::exists(path));
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(folder.listing(), "series") << folder.listing();
}

}  // namespace
}  // namespace skipseg::dicomobjects
