#include "SyntheticImages.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/ImageWriter.h"
#include "skipseg/io/Orientation.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>

namespace skipseg::io {
namespace {

// NIfTI stores its affine as float32: positions survive to about 1e-5 mm at these coordinates.
constexpr double kWorldTolerance = 1e-4;

void expectSameGeometry(const ImageGeometry& expected, const ImageGeometry& actual, const std::string& what) {
  EXPECT_EQ(actual.size, expected.size) << what;
  for (int axis = 0; axis < 3; ++axis) {
    EXPECT_NEAR(actual.spacing[axis], expected.spacing[axis], 1e-6) << what;
    EXPECT_NEAR(actual.origin[axis], expected.origin[axis], kWorldTolerance) << what;
  }
  for (int element = 0; element < 9; ++element) {
    EXPECT_NEAR(actual.direction[element], expected.direction[element], 1e-5) << what;
  }
  EXPECT_LT(testing::largestVoxelCentreDistance(expected, actual), kWorldTolerance) << what;
}

class FormatRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(FormatRoundTrip, ObliqueNegativeStepImageKeepsGeometryAndValues) {
  skipseg::testing::TemporaryDirectory folder;
  const std::string path = folder.file("image" + GetParam());
  const ImageGeometry geometry = testing::syntheticGeometry(testing::obliqueNegativeStepDirection());
  const auto image = testing::makeFloatImage(geometry);
  writeImage(image, path);
  const ReadResult read = readImage(path);
  expectSameGeometry(geometry, geometryOf(read.image), GetParam());
  EXPECT_EQ(read.info.pixelType, "float");
  EXPECT_EQ(orientationCode(read.image.GetPointer()), orientationCode(geometry));
  const auto count = geometry.voxelCount();
  EXPECT_TRUE(std::equal(image->GetBufferPointer(), image->GetBufferPointer() + count, read.image->GetBufferPointer()));
}

TEST_P(FormatRoundTrip, LabelsAreStoredInTheSmallestUnsignedType) {
  skipseg::testing::TemporaryDirectory folder;
  const ImageGeometry geometry = testing::syntheticGeometry(testing::obliqueNegativeStepDirection());
  const std::map<unsigned, std::string> expectedType{{50, "uint8"}, {1000, "uint16"}};
  for (const auto& [scale, type] : expectedType) {
    const std::string path = folder.file("labels" + std::to_string(scale) + GetParam());
    const auto labels = testing::makeLabelImage(geometry, 6, scale);
    writeLabelImage(labels, path);
    EXPECT_EQ(readImageInfo(path).pixelType, type) << path;
    const auto read = readLabelImage(path);
    expectSameGeometry(geometry, geometryOf(read), path);
    EXPECT_TRUE(std::equal(labels->GetBufferPointer(), labels->GetBufferPointer() + geometry.voxelCount(),
                           read->GetBufferPointer()))
        << path;
  }
}

TEST_P(FormatRoundTrip, LeavesOnlyTheFinishedFiles) {
  skipseg::testing::TemporaryDirectory folder;
  const auto image = testing::makeFloatImage(testing::syntheticGeometry({{1, 0, 0, 0, 1, 0, 0, 0, 1}}));
  writeImage(image, folder.file("out" + GetParam()));
  std::string expected = "out" + GetParam();
  if (GetParam() == ".nhdr" || GetParam() == ".mhd") {
    expected += " out" + GetParam() + ".raw";  // the header names its own data file beside it
  }
  EXPECT_EQ(folder.listing(), expected);
  // Compressed exactly where the name says so (.nii.gz) or the format allows it (.nrrd, .mha).
  std::ifstream written(folder.file("out" + GetParam()), std::ios::binary);
  char magic[2] = {};
  written.read(magic, 2);
  const bool gzipped = magic[0] == '\x1f' && magic[1] == '\x8b';
  EXPECT_EQ(gzipped, GetParam() == ".nii.gz");
}

INSTANTIATE_TEST_SUITE_P(AllFormats, FormatRoundTrip,
                         ::testing::Values(".nii", ".nii.gz", ".nrrd", ".nhdr", ".mha", ".mhd"), [](const auto& info) {
                           std::string name = info.param.substr(1);
                           std::replace(name.begin(), name.end(), '.', '_');
                           return name;
                         });

TEST(PixelTypeHint, IntegerHintKeepsTheTypeWhenValuesFitAndFallsBackToFloat) {
  skipseg::testing::TemporaryDirectory folder;
  const ImageGeometry geometry = testing::syntheticGeometry({{1, 0, 0, 0, 1, 0, 0, 0, 1}});
  auto integers = testing::makeFloatImage(geometry);
  for (std::size_t index = 0; index < geometry.voxelCount(); ++index) {
    integers->GetBufferPointer()[index] -= 1000.25f;  // -1000 .. -543: int16
  }
  writeImage(integers, folder.file("int.nii.gz"), PixelTypeHint::Int16);
  EXPECT_EQ(readImageInfo(folder.file("int.nii.gz")).pixelType, "int16");
  writeImage(integers, folder.file("auto.nrrd"), PixelTypeHint::Automatic);
  EXPECT_EQ(readImageInfo(folder.file("auto.nrrd")).pixelType, "int16");
  const auto read = readImage(folder.file("auto.nrrd"));
  EXPECT_EQ(read.image->GetPixel({{3, 2, 1}}), integers->GetPixel({{3, 2, 1}}));

  const auto fractions = testing::makeFloatImage(geometry);
  writeImage(fractions, folder.file("frac.nii.gz"), PixelTypeHint::UInt8);
  EXPECT_EQ(readImageInfo(folder.file("frac.nii.gz")).pixelType, "float");
}

// pyradiomics' MR volumes are stored with a negative step along y.
TEST(PyradiomicsNrrd, NegativeStepVolumesAndMasksRoundTrip) {
  SKIPSEG_REQUIRE_SHARED_DATA(imagePath, "pyradiomics/brain1_image.nrrd");
  SKIPSEG_REQUIRE_SHARED_DATA(labelPath, "pyradiomics/brain1_label.nrrd");
  const ReadResult original = readImage(imagePath);
  const ImageGeometry geometry = geometryOf(original.image);
  const bool hasNegativeStep = geometry.direction[0] < 0 || geometry.direction[4] < 0 || geometry.direction[8] < 0;
  EXPECT_TRUE(hasNegativeStep) << orientationCode(geometry);
  const auto labels = readLabelImage(labelPath);
  const auto labelCount = labels->GetLargestPossibleRegion().GetNumberOfPixels();
  // pyradiomics' baseline_shape.csv: brain1's mask holds 4137 voxels.
  EXPECT_EQ(std::count(labels->GetBufferPointer(), labels->GetBufferPointer() + labelCount, 1), 4137);

  skipseg::testing::TemporaryDirectory folder;
  for (const std::string extension : {".nrrd", ".nii.gz", ".mha"}) {
    writeImage(original.image, folder.file("brain1" + extension), pixelTypeHintFor(original.info.pixelType));
    const ReadResult again = readImage(folder.file("brain1" + extension));
    EXPECT_EQ(again.info.pixelType, original.info.pixelType) << extension;
    expectSameGeometry(geometry, geometryOf(again.image), extension);
    EXPECT_TRUE(std::equal(original.image->GetBufferPointer(),
                           original.image->GetBufferPointer() + geometry.voxelCount(), again.image->GetBufferPointer()))
        << extension;

    writeLabelImage(labels, folder.file("label" + extension));
    const auto labelsAgain = readLabelImage(folder.file("label" + extension));
    expectSameGeometry(geometryOf(labels), geometryOf(labelsAgain), "label" + extension);
    EXPECT_TRUE(std::equal(labels->GetBufferPointer(), labels->GetBufferPointer() + labelCount,
                           labelsAgain->GetBufferPointer()));
  }
}

}  // namespace
}  // namespace skipseg::io
