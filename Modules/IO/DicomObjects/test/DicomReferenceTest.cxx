#include "DerivedObjectTestSupport.h"

#include "skipseg/core/Error.h"
#include "skipseg/dicomobjects/DerivedObjects.h"
#include "skipseg/io/ImageWriter.h"
#include "skipseg/io/Orientation.h"
#include "skipseg/testing/SyntheticDicom.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

namespace skipseg::dicomobjects {
namespace {

void expectError(const std::function<void()>& action, ExitCode code, const std::string& text) {
  try {
    action();
    ADD_FAILURE() << "expected an error saying: " << text;
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), code) << error.what();
    EXPECT_NE(std::string(error.what()).find(text), std::string::npos) << error.what();
  }
}

TEST(DicomReference, LabelsInAnotherAxisOrderAreReorientedWithoutResampling) {
  skipseg::testing::TemporaryDirectory folder;
  testing::writeObliqueSeries(folder.file("series"), 12, 10, 4);
  const DicomReference reference = readDicomReference(folder.file("series"));
  const auto labels = testing::paintShapes(*makeLabelImage(reference.grid));
  const auto flipped = io::reorient(labels.GetPointer(), "SRA");
  ASSERT_FALSE(geometryOf(*flipped).sameGrid(reference.grid));
  const auto placed = labelsOnReferenceGrid(*flipped, reference, "flipped.nii.gz");
  EXPECT_TRUE(geometryOf(*placed).sameGrid(reference.grid));
  EXPECT_EQ(testing::differingVoxels(*placed, *labels), 0u);
}

TEST(DicomReference, LabelsOnAnotherGridAreRefusedNamingTheFile) {
  skipseg::testing::TemporaryDirectory folder;
  testing::writeObliqueSeries(folder.file("series"), 12, 10, 4);
  const DicomReference reference = readDicomReference(folder.file("series"));
  ImageGeometry other = reference.grid;
  other.spacing[0] *= 2;
  expectError([&] { labelsOnReferenceGrid(*makeLabelImage(other), reference, "other.nii.gz"); }, ExitCode::BadInput,
              "other.nii.gz: not on the grid of the DICOM series");
}

TEST(DicomReference, AFileThatIsNotDicomIsNoReferenceSeries) {
  skipseg::testing::TemporaryDirectory folder;
  const std::string path = folder.file("labels.nii.gz");
  io::writeLabelImage(makeLabelImage(ImageGeometry{{{4, 4, 4}}}), path);
  expectError([&] { readDicomReference(path); }, ExitCode::BadInput, path + ": not a DICOM series");
}

TEST(DicomReference, ResampledUnevenSlicesCannotBeReferenced) {
  skipseg::testing::TemporaryDirectory folder;
  std::filesystem::create_directories(folder.file("series"));
  const std::vector<double> distances{0, 2, 5, 6};  // uneven
  for (std::size_t n = 0; n < distances.size(); ++n) {
    skipseg::testing::DicomSliceSpec spec;
    spec.position = {{0, 0, distances[n]}};
    skipseg::testing::writeDicomSlice(folder.file("series/s" + std::to_string(n) + ".dcm"), spec,
                                      static_cast<int>(n + 1));
  }
  io::ReadOptions options;
  options.allowUnevenSpacing = true;
  const DicomReference reference = readDicomReference(folder.file("series"), options);
  expectError([&] { checkReferenceable(reference); }, ExitCode::BadInput, "not the series' own instances");
  const std::string path = folder.file("seg.dcm");
  expectError([&] { writeDicomSegmentation(*makeLabelImage(reference.grid, 1), reference, {}, path); },
              ExitCode::BadInput, "not the series' own instances");
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(DicomReference, ASeriesWithoutFrameOfReferenceCannotBeReferenced) {
  skipseg::testing::TemporaryDirectory folder;
  std::filesystem::create_directories(folder.file("series"));
  for (int n = 0; n < 3; ++n) {
    skipseg::testing::DicomSliceSpec spec;
    spec.position = {{0, 0, 2.0 * n}};
    spec.frameOfReferenceUid = "";
    skipseg::testing::writeDicomSlice(folder.file("series/s" + std::to_string(n) + ".dcm"), spec, n + 1);
  }
  const DicomReference reference = readDicomReference(folder.file("series"));
  expectError([&] { checkReferenceable(reference); }, ExitCode::BadInput,
              folder.file("series") + ": the series has no Frame of Reference UID (0020,0052)");
}

TEST(DicomReference, OutputsMustBeDcmFilesInAWritableFolder) {
  skipseg::testing::TemporaryDirectory folder;
  expectError([&] { checkDicomObjectOutput(folder.file("seg.nii.gz"), "--output-dicom-seg"); }, ExitCode::Usage,
              "--output-dicom-seg " + folder.file("seg.nii.gz") + ": a DICOM object's file name must end in .dcm");
  io::writeLabelImage(makeLabelImage(ImageGeometry{{{2, 2, 2}}}), folder.file("file.nii"));
  expectError([&] { checkDicomObjectOutput(folder.file("file.nii/seg.dcm"), "--output-rtstruct"); },
              ExitCode::OutputFailed, "file.nii");
  EXPECT_NO_THROW(checkDicomObjectOutput(folder.file("new/seg.dcm"), "--output-dicom-seg"));
}

}  // namespace
}  // namespace skipseg::dicomobjects
