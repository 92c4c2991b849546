#include "DerivedObjectTestSupport.h"

#include "skipseg/dicomobjects/DerivedObjects.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/testing/DicomChecks.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <gtest/gtest.h>

#include <set>

namespace skipseg::dicomobjects {
namespace {

using testing::readRtStructureSetBack;

std::set<LabelValue> labelsIn(const LabelImage& labels) {
  std::set<LabelValue> present;
  for (std::size_t n = 0; n < labels.GetLargestPossibleRegion().GetNumberOfPixels(); ++n) {
    if (labels.GetBufferPointer()[n] != 0) {
      present.insert(labels.GetBufferPointer()[n]);
    }
  }
  return present;
}

// Writes, validates and rasterises back; every label within Dice 0.98, every point on its plane.
void expectRoundTrip(const LabelImage& labels, const DicomReference& reference, const DerivedObjectInfo& info,
                     const std::string& path, const std::string& what) {
  writeRtStructureSet(labels, reference, info, path);
  const auto validation = skipseg::testing::runDciodvfy(path);
  EXPECT_TRUE(validation.errors.empty()) << skipseg::testing::joinedLines(validation.errors);
  for (const auto& warning : validation.warnings) {
    std::cout << "dciodvfy (RTSTRUCT, " << what << "): " << warning << "\n";
  }
  const auto back = readRtStructureSetBack(path, labels, reference.identity);
  ASSERT_TRUE(back.problems.empty()) << skipseg::testing::joinedLines(back.problems);
  EXPECT_LE(back.largestPlaneDistanceMm, 0.01);
  const auto present = labelsIn(labels);
  EXPECT_EQ(back.names.size(), present.size());
  for (const LabelValue label : present) {
    const double dice = testing::dice(*back.labels, labels, label);
    EXPECT_GE(dice, 0.98) << what << ": label " << label;
    std::cout << what << ": label " << label << " Dice " << dice << "\n";
  }
  std::cout << what << ": " << back.frames << " contours, farthest point " << back.largestPlaneDistanceMm
            << " mm from its slice plane\n";
}

TEST(RtStructureSet, ObliqueSeriesContoursFillBackToTheLabelsWithHolesAndIslands) {
  skipseg::testing::TemporaryDirectory folder;
  testing::writeObliqueSeries(folder.file("series"), 24, 20, 6);
  const DicomReference reference = readDicomReference(folder.file("series"));
  const auto labels = testing::paintShapes(*makeLabelImage(reference.grid));
  DerivedObjectInfo info;
  info.labels = {{1, "ring", {{1.0, 0.0, 0.0}}}};
  expectRoundTrip(*labels, reference, info, folder.file("rt.dcm"), "oblique");
  // The ring (label 1) is exact: its hole is a contour of its own, filled even-odd.
  const auto back = readRtStructureSetBack(folder.file("rt.dcm"), *labels, reference.identity);
  EXPECT_EQ(testing::dice(*back.labels, *labels, 1), 1.0);
  EXPECT_EQ(back.names.at(1), "ring");
}

TEST(RtStructureSet, SharedCtSeriesContoursFillBackToItsLabels) {
  SKIPSEG_REQUIRE_SHARED_DATA(shared, "totalsegmentator/example_ct_dicom");
  SKIPSEG_REQUIRE_SHARED_DATA(labelsPath, "totalsegmentator/example_seg_dicom.nii.gz");
  skipseg::testing::TemporaryDirectory folder;
  const std::string series = skipseg::testing::copyDicomSeriesWithUids(shared, folder.file("series"));
  ASSERT_FALSE(series.empty());
  const DicomReference reference = readDicomReference(series);
  const auto labels = labelsOnReferenceGrid(*io::readLabelImage(labelsPath), reference, labelsPath);
  expectRoundTrip(*labels, reference, {}, folder.file("rt.dcm"), "example_ct_dicom");
}

}  // namespace
}  // namespace skipseg::dicomobjects
