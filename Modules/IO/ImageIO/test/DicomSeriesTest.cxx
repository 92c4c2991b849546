#include "skipseg/core/Error.h"
#include "skipseg/io/DicomSeries.h"
#include "skipseg/io/Geometry.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/Orientation.h"
#include "skipseg/testing/SyntheticDicom.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <iostream>

namespace skipseg::io {
namespace {

using testing::DicomSliceSpec;
using testing::writeDicomSlice;

void expectError(const std::function<void()>& action, ExitCode code, const std::string& path, const std::string& text) {
  try {
    action();
    ADD_FAILURE() << "expected an error mentioning: " << text;
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_EQ(error.code(), code) << message;
    EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
    EXPECT_NE(message.find(text), std::string::npos) << message;
  }
}

// Slices of one series at the given distances along the normal of `orientation`, written in reverse
// order so that reading must sort them; slice n holds values 100 n + i + 10 j.
void writeStack(const std::string& folder, const std::vector<double>& distances,
                const std::array<double, 6>& orientation = {{1, 0, 0, 0, 1, 0}},
                const std::array<double, 3>& inPlaneShiftPerSlice = {{0, 0, 0}}) {
  const std::array<double, 3> row{{orientation[0], orientation[1], orientation[2]}};
  const std::array<double, 3> column{{orientation[3], orientation[4], orientation[5]}};
  const std::array<double, 3> normal{{row[1] * column[2] - row[2] * column[1], row[2] * column[0] - row[0] * column[2],
                                      row[0] * column[1] - row[1] * column[0]}};
  std::filesystem::create_directories(folder);
  for (std::size_t n = distances.size(); n-- > 0;) {
    DicomSliceSpec spec;
    spec.orientation = orientation;
    for (int axis = 0; axis < 3; ++axis) {
      spec.position[axis] = 10.0 * (axis + 1) + distances[n] * normal[axis] + inPlaneShiftPerSlice[axis] * n;
    }
    spec.value = static_cast<short>(100 * n);
    writeDicomSlice(folder + "/slice" + std::to_string(n) + ".dcm", spec, static_cast<int>(n + 1));
  }
}

TEST(DicomSeries, ObliqueStackIsSortedAlongTheNormalWithSpacingFromPositions) {
  skipseg::testing::TemporaryDirectory folder;
  const double c = std::cos(0.4);
  const double s = std::sin(0.4);
  const std::array<double, 6> orientation{{c, s, 0, 0, 0, -1}};  // oblique coronal
  writeStack(folder.path(), {0.0, 2.5, 5.0, 7.5}, orientation);
  const ReadResult read = readImage(folder.path());
  const ImageGeometry geometry = geometryOf(read.image);
  EXPECT_EQ(geometry.size, (std::array<std::size_t, 3>{{6, 5, 4}}));
  EXPECT_NEAR(geometry.spacing[0], 0.75, 1e-9);  // PixelSpacing is row spacing \ column spacing
  EXPECT_NEAR(geometry.spacing[1], 0.5, 1e-9);
  EXPECT_NEAR(geometry.spacing[2], 2.5, 1e-6);
  EXPECT_NEAR(geometry.origin[0], 10.0, 1e-9);
  EXPECT_NEAR(geometry.origin[1], 20.0, 1e-9);
  EXPECT_NEAR(geometry.origin[2], 30.0, 1e-9);
  EXPECT_NEAR(geometry.direction[0], c, 1e-9);            // column 0 = row cosines
  EXPECT_NEAR(geometry.direction[0 * 3 + 1], 0.0, 1e-9);  // column 1 = column cosines
  EXPECT_NEAR(geometry.direction[1 * 3 + 1], 0.0, 1e-9);
  EXPECT_NEAR(geometry.direction[2 * 3 + 1], -1.0, 1e-9);
  for (int k = 0; k < 4; ++k) {
    EXPECT_EQ(read.image->GetPixel({{2, 3, k}}), 100 * k + 2 + 30) << "slice " << k;
  }
  EXPECT_EQ(read.info.format, "DICOM");
  EXPECT_EQ(read.info.modality, "CT");
  EXPECT_EQ(read.info.pixelType, "int16");
  ASSERT_EQ(read.info.dicomSeries.size(), 1u);
  EXPECT_EQ(read.info.dicomSeries[0].sliceCount, 4u);
}

// What a DICOM SEG or RTSTRUCT must reference: each instance, in volume slice order, at its position.
TEST(DicomSeries, ReadResultCarriesEachInstanceInVolumeSliceOrder) {
  skipseg::testing::TemporaryDirectory folder;
  const double c = std::cos(0.4);
  const double s = std::sin(0.4);
  writeStack(folder.path(), {0.0, 2.5, 5.0, 7.5}, {{c, s, 0, 0, 0, -1}});
  const ReadResult read = readImage(folder.path());
  ASSERT_TRUE(read.info.dicomSource.has_value());
  const DicomSourceIdentity& source = *read.info.dicomSource;
  EXPECT_EQ(source.seriesInstanceUid, "1.2.826.0.1.3680043.2.1125.77.1");
  EXPECT_EQ(source.modality, "CT");
  EXPECT_FALSE(source.studyInstanceUid.empty());
  const ImageGeometry geometry = geometryOf(read.image);
  ASSERT_EQ(source.instances.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) {
    const DicomInstanceReference& instance = source.instances[k];
    EXPECT_EQ(std::filesystem::path(instance.file).filename(), "slice" + std::to_string(k) + ".dcm");
    EXPECT_EQ(instance.sliceIndex, k);
    EXPECT_EQ(instance.sopClassUid, "1.2.840.10008.5.1.4.1.1.2");
    EXPECT_FALSE(instance.sopInstanceUid.empty());
    const auto corner = geometry.indexToPhysical({{0.0, 0.0, double(k)}});
    for (int axis = 0; axis < 3; ++axis) {
      EXPECT_NEAR(instance.position[axis], corner[axis], 1e-6) << "slice " << k << " axis " << axis;
    }
    for (std::size_t other = 0; other < k; ++other) {
      EXPECT_NE(instance.sopInstanceUid, source.instances[other].sopInstanceUid);
    }
  }
}

TEST(DicomSeries, SeveralSeriesNeedAChoiceAndTheErrorListsThem) {
  skipseg::testing::TemporaryDirectory folder;
  DicomSliceSpec ct;
  writeDicomSlice(folder.file("a.dcm"), ct, 1);
  DicomSliceSpec mr;
  mr.seriesUid = "1.2.826.0.1.3680043.2.1125.77.2";
  mr.modality = "MR";
  writeDicomSlice(folder.file("b.dcm"), mr, 1);
  expectError([&] { readImage(folder.path()); }, ExitCode::BadInput, folder.path(),
              "holds 2 DICOM series; choose one with --series UID: 1.2.826.0.1.3680043.2.1125.77.1 (CT, \"synthetic "
              "CT\", 1 file); 1.2.826.0.1.3680043.2.1125.77.2 (MR, \"synthetic MR\", 1 file)");
  ReadOptions options;
  options.seriesUid = mr.seriesUid;
  EXPECT_EQ(readImage(folder.path(), options).info.modality, "MR");
  options.seriesUid = "1.2.3";
  expectError([&] { readImage(folder.path(), options); }, ExitCode::BadInput, folder.path(),
              "holds no DICOM series with UID 1.2.3; it holds: 1.2.826");
  EXPECT_EQ(listDicomSeries(folder.path()).size(), 2u);
}

TEST(DicomSeries, OnlyTheGivenFilesAreScannedWhenListed) {
  skipseg::testing::TemporaryDirectory folder;
  writeStack(folder.file("a"), {0.0, 2.0, 4.0});
  writeStack(folder.file("b"), {0.0, 3.0});
  ReadOptions options;
  options.dicomFiles = {folder.file("a/slice0.dcm"), folder.file("a/slice2.dcm")};
  const ReadResult read = readImage(folder.path(), options);  // two series in the folder, but only two files seen
  EXPECT_EQ(geometryOf(read.image).size[2], 2u);
  EXPECT_NEAR(geometryOf(read.image).spacing[2], 4.0, 1e-6);
  ASSERT_EQ(read.info.dicomSeries.size(), 1u);
  EXPECT_EQ(read.info.dicomSeries[0].files, options.dicomFiles);
}

TEST(DicomSeries, UnevenSpacingIsReportedWithTheLargestDeviation) {
  skipseg::testing::TemporaryDirectory folder;
  writeStack(folder.path(), {0.0, 2.0, 4.3, 6.0});
  expectError([&] { readImage(folder.path()); }, ExitCode::BadInput, folder.path(),
              "uneven slice spacing: slice spacing varies from 1.7 to 2.3 mm; a slice lies up to 0.3 mm off a regular "
              "grid (--allow-uneven-spacing resamples it onto a regular grid)");
}

TEST(DicomSeries, UnevenSpacingCanBeResampledOntoARegularGrid) {
  skipseg::testing::TemporaryDirectory folder;
  writeStack(folder.path(), {0.0, 2.0, 4.3, 6.0});
  ReadOptions options;
  options.allowUnevenSpacing = true;
  const ReadResult read = readImage(folder.path(), options);
  const ImageGeometry geometry = geometryOf(read.image);
  EXPECT_EQ(geometry.size[2], 4u);
  EXPECT_NEAR(geometry.spacing[2], 2.0, 1e-9);
  // The slice at 4 mm lies between the inputs at 2 mm (values 100+) and 4.3 mm (200+).
  const double weight = 2.0 / 2.3;
  EXPECT_NEAR(read.image->GetPixel({{0, 0, 2}}), (1 - weight) * 100 + weight * 200, 1e-3);
  EXPECT_NEAR(read.image->GetPixel({{0, 0, 3}}), 300, 1e-3);
  // Interpolated slices are no instance's pixels: the instances are listed without a slice index.
  ASSERT_TRUE(read.info.dicomSource.has_value());
  ASSERT_EQ(read.info.dicomSource->instances.size(), 4u);
  for (const auto& instance : read.info.dicomSource->instances) {
    EXPECT_FALSE(instance.sliceIndex.has_value());
  }
}

TEST(DicomSeries, MissingSliceIsReported) {
  skipseg::testing::TemporaryDirectory folder;
  writeStack(folder.path(), {0.0, 2.0, 4.0, 8.0, 10.0});
  expectError(
      [&] { readImage(folder.path()); }, ExitCode::BadInput, folder.path(),
      "missing slices: a gap of 4 mm between slice2.dcm and slice3.dcm where the usual spacing is 2 mm (about 1 "
      "slice(s) missing)");
}

TEST(DicomSeries, MixedOrientationsAreReported) {
  skipseg::testing::TemporaryDirectory folder;
  writeStack(folder.path(), {0.0, 2.0, 4.0});
  DicomSliceSpec scout;
  scout.orientation = {{1, 0, 0, 0, 0, -1}};
  scout.position = {{0, 50, 0}};
  writeDicomSlice(folder.file("scout.dcm"), scout, 9);
  expectError([&] { readImage(folder.path()); }, ExitCode::BadInput, folder.path(),
              "mixed slice orientations: ImageOrientationPatient of");
}

TEST(DicomSeries, GantryTiltCanBeRefusedWithItsAngle) {
  skipseg::testing::TemporaryDirectory folder;
  writeStack(folder.path(), {0.0, 2.0, 4.0, 6.0}, {{1, 0, 0, 0, 1, 0}}, {{0, 0.5, 0}});
  ReadOptions options;
  options.gantryTilt = GantryTilt::Refuse;
  expectError([&] { readImage(folder.path(), options); }, ExitCode::Unsupported, folder.path(),
              "gantry tilt: slice positions leave the slice normal by up to 1.5 mm (a tilt of about 14 degrees); "
              "refused (--gantry-tilt refuse; the default resamples it)");
}

// Slices 2 mm apart along the normal, each shifted 0.5 mm (one row of 0.5 mm) further along the column
// direction: the volume is widened by 3 rows and every voxel holds the input pixel at its position.
TEST(DicomSeries, GantryTiltIsResampledOntoAGridAlongTheNormalThatCoversTheStack) {
  skipseg::testing::TemporaryDirectory folder;
  writeStack(folder.path(), {0.0, 2.0, 4.0, 6.0}, {{1, 0, 0, 0, 1, 0}}, {{0, 0.5, 0}});
  const ReadResult read = readImage(folder.path());
  const ImageGeometry geometry = geometryOf(read.image);
  EXPECT_EQ(geometry.size, (std::array<std::size_t, 3>{{6, 8, 4}}));
  EXPECT_NEAR(geometry.spacing[0], 0.75, 1e-9);
  EXPECT_NEAR(geometry.spacing[1], 0.5, 1e-9);
  EXPECT_NEAR(geometry.spacing[2], 2.0, 1e-9);
  EXPECT_NEAR(geometry.direction[2 * 3 + 2], 1.0, 1e-12);  // k along the slice normal, not the stacking
  EXPECT_NEAR(geometry.origin[1], 20.0, 1e-9);
  // Input slice k's pixel (i, j) lies at output row j + k; rows no slice covers hold the lowest value (0).
  for (int k = 0; k < 4; ++k) {
    for (int j = 0; j < 8; ++j) {
      const float expected = (j - k >= 0 && j - k < 5) ? static_cast<float>(100 * k + 2 + 10 * (j - k)) : 0.0f;
      EXPECT_EQ(read.image->GetPixel({{2, j, k}}), expected) << "row " << j << " slice " << k;
    }
  }
  const auto world = geometry.indexToPhysical({{2.0, 4.0, 3.0}});
  EXPECT_NEAR(world[1], 20.0 + 3 * 0.5 + 1 * 0.5, 1e-9);  // slice 3's row 1
  ASSERT_TRUE(read.info.dicomSource.has_value());
  for (const auto& instance : read.info.dicomSource->instances) {
    EXPECT_FALSE(instance.sliceIndex.has_value());  // shifted slices are no instance's pixels
  }
}

TEST(DicomSeries, GantryTiltOfHalfARowIsInterpolatedLinearly) {
  skipseg::testing::TemporaryDirectory folder;
  writeStack(folder.path(), {0.0, 2.0, 4.0, 6.0}, {{1, 0, 0, 0, 1, 0}}, {{0, 0.25, 0}});
  const ReadResult read = readImage(folder.path());
  EXPECT_EQ(geometryOf(read.image).size, (std::array<std::size_t, 3>{{6, 7, 4}}));
  // Slice 1 lies half a row further: output row 2 is halfway between its rows 1 and 2.
  EXPECT_NEAR(read.image->GetPixel({{0, 2, 1}}), 100 + 15, 1e-4);
  EXPECT_NEAR(read.image->GetPixel({{3, 2, 2}}), 200 + 3 + 10, 1e-4);  // a whole row for slice 2
}

// Tilt and uneven spacing together: an output slice between two inputs blends each at its own shift.
TEST(DicomSeries, GantryTiltWithUnevenSpacingInterpolatesEachSliceAtItsOwnShift) {
  skipseg::testing::TemporaryDirectory folder;
  writeStack(folder.path(), {0.0, 2.0, 4.3, 6.0}, {{1, 0, 0, 0, 1, 0}}, {{0, 0.5, 0}});
  ReadOptions options;
  options.allowUnevenSpacing = true;
  const ReadResult read = readImage(folder.path(), options);
  EXPECT_EQ(geometryOf(read.image).size, (std::array<std::size_t, 3>{{6, 8, 4}}));
  // Output slice 2 (4 mm) lies between input 1 (2 mm, one row on) and input 2 (4.3 mm, two rows on).
  const double weight = 2.0 / 2.3;
  EXPECT_NEAR(read.image->GetPixel({{0, 4, 2}}), (1 - weight) * (100 + 30) + weight * (200 + 20), 1e-3);
}

TEST(DicomSeries, SeveralImagesAtOnePositionAre4D) {
  skipseg::testing::TemporaryDirectory folder;
  writeStack(folder.file("t0"), {0.0, 2.0, 4.0});
  writeStack(folder.file("t1"), {0.0, 2.0, 4.0});
  expectError([&] { readImage(folder.path()); }, ExitCode::Unsupported, folder.path(),
              "holds 6 images at only 3 slice positions (4D data or repeated acquisitions)");
}

TEST(DicomSeries, FilesWithoutPositionsAreNotAVolume) {
  skipseg::testing::TemporaryDirectory folder;
  for (int n = 0; n < 3; ++n) {
    DicomSliceSpec spec;
    spec.withPosition = false;
    writeDicomSlice(folder.file("image" + std::to_string(n) + ".dcm"), spec, n + 1);
  }
  expectError([&] { readImage(folder.path()); }, ExitCode::BadInput, folder.path(),
              "is not an image volume: 3 of 3 files have no ImagePositionPatient/ImageOrientationPatient");
}

TEST(DicomSeries, MalformedSamplesPerPixelIsBadInputNamingTheFile) {
  skipseg::testing::TemporaryDirectory folder;
  writeStack(folder.path(), {0.0, 2.0, 4.0});
  for (int n = 0; n < 3; ++n) {
    testing::replaceTagWithText(folder.file("slice" + std::to_string(n) + ".dcm"), 0x0028, 0x0002, "x");
  }
  expectError([&] { readImage(folder.path()); }, ExitCode::BadInput, folder.path(),
              "the DICOM file slice0.dcm has a malformed SamplesPerPixel (0028,0002): \"x\"");
}

TEST(DicomSeries, PetSeriesReportsItsSuvInputs) {
  skipseg::testing::TemporaryDirectory folder;
  for (int n = 0; n < 2; ++n) {
    DicomSliceSpec spec;
    spec.modality = "PT";
    spec.position = {{0, 0, 3.0 * n}};
    writeDicomSlice(folder.file("pet" + std::to_string(n) + ".dcm"), spec, n + 1);
    testing::addPetSuvTags(folder.file("pet" + std::to_string(n) + ".dcm"));
  }
  const ReadResult read = readImage(folder.path());
  ASSERT_TRUE(read.info.petSuv.has_value());
  const PetSuvInputs& suv = *read.info.petSuv;
  EXPECT_DOUBLE_EQ(suv.patientWeightKg.value_or(0), 72.5);
  EXPECT_DOUBLE_EQ(suv.totalInjectedDoseBq.value_or(0), 3.7e8);
  EXPECT_DOUBLE_EQ(suv.halfLifeSeconds.value_or(0), 6586.2);
  EXPECT_EQ(suv.injectionTime.value_or(""), "101500.00");
  EXPECT_EQ(suv.seriesTime.value_or(""), "110000");
  EXPECT_EQ(suv.units.value_or(""), "BQML");
  EXPECT_EQ(suv.decayCorrection.value_or(""), "START");
  EXPECT_FALSE(suv.injectionDateTime.has_value());
}

// The TotalSegmentator example: 20 Siemens slices, JPEG 2000 lossless, SliceThickness 3 mm but
// positions 2 mm apart.
TEST(DicomSeries, RealCtSeriesReadsInHounsfieldUnitsWithSpacingFromPositions) {
  SKIPSEG_REQUIRE_SHARED_DATA(folder, "totalsegmentator/example_ct_dicom");
  const ReadResult read = readImage(folder);
  const ImageGeometry geometry = geometryOf(read.image);
  EXPECT_EQ(geometry.size, (std::array<std::size_t, 3>{{512, 512, 20}}));
  EXPECT_NEAR(geometry.spacing[0], 0.977, 0.0005);
  EXPECT_NEAR(geometry.spacing[1], 0.977, 0.0005);
  EXPECT_NEAR(geometry.spacing[2], 2.0, 1e-6);
  const float* values = read.image->GetBufferPointer();
  const auto [low, high] = std::minmax_element(values, values + geometry.voxelCount());
  EXPECT_EQ(*low, -1024.0f);
  EXPECT_GT(*high, 1000.0f);  // bone
  EXPECT_EQ(read.info.modality, "CT");
  ASSERT_EQ(read.info.dicomSeries.size(), 1u);
  EXPECT_EQ(read.info.dicomSeries[0].sliceCount, 20u);
  ASSERT_TRUE(read.info.dicomSource.has_value());
  EXPECT_FALSE(read.info.dicomSource->frameOfReferenceUid.empty());
  ASSERT_EQ(read.info.dicomSource->instances.size(), 20u);
  for (std::size_t k = 0; k < 20; ++k) {
    const auto corner = geometry.indexToPhysical({{0.0, 0.0, double(k)}});
    for (int axis = 0; axis < 3; ++axis) {
      EXPECT_NEAR(read.info.dicomSource->instances[k].position[axis], corner[axis], 1e-4);
    }
  }
}

// A tilted series made from the real CT: its column direction turned 15 degrees about the row direction,
// positions kept (the table moves 2 mm per slice), so each slice lies 0.52 mm further along its columns.
class TiltedRealSeries : public ::testing::Test {
 protected:
  static constexpr double kDegrees = 15.0;

  void makeSeries(const std::string& source) {
    const double angle = kDegrees * M_PI / 180.0;
    column_ = {0.0, std::cos(angle), std::sin(angle)};
    std::filesystem::create_directories(tilted_);
    for (const auto& entry : std::filesystem::directory_iterator(source)) {
      testing::copyDicomWithTags(
          entry.path().string(), tilted_ + "/" + entry.path().filename().string(),
          {{0x0020, 0x0037, "DS", testing::decimalStrings({1, 0, 0, column_[0], column_[1], column_[2]})},
           {0x0018, 0x1120, "DS", "15"}});  // GantryDetectorTilt, which dcm2niix looks for
    }
  }

  skipseg::testing::TemporaryDirectory work_;
  std::string tilted_ = work_.file("tilted");
  std::array<double, 3> column_{};
};

// Every voxel holds the input pixels at its true position: the DICOM definition (ImagePositionPatient of its
// slice + u * row + v * column) applied to the untilted reading of the same pixels.
TEST_F(TiltedRealSeries, EveryVoxelLiesAtItsTruePosition) {
  SKIPSEG_REQUIRE_SHARED_DATA(source, "totalsegmentator/example_ct_dicom");
  makeSeries(source);
  const ReadResult original = readImage(source);  // same pixels, slice positions 2 mm apart along z
  const ReadResult tilted = readImage(tilted_);
  const ImageGeometry flat = geometryOf(original.image);
  const ImageGeometry geometry = geometryOf(tilted.image);
  EXPECT_EQ(geometry.size, (std::array<std::size_t, 3>{{512, 523, 20}}));  // 9.8 mm of shear: 11 more rows
  EXPECT_NEAR(geometry.spacing[2], 2.0 * std::cos(kDegrees * M_PI / 180.0), 1e-6);
  for (int axis = 0; axis < 3; ++axis) {
    EXPECT_NEAR(geometry.origin[axis], flat.origin[axis], 0.01);  // the first slice's ImagePositionPatient
  }
  double largestDifference = 0.0;
  std::size_t checked = 0;
  for (std::size_t k = 0; k < 20; k += 3) {
    const auto slicePosition = flat.indexToPhysical({{0.0, 0.0, double(k)}});
    for (std::size_t j = 0; j < geometry.size[1]; j += 7) {
      for (std::size_t i = 0; i < 512; i += 13) {
        const auto world = geometry.indexToPhysical({{double(i), double(j), double(k)}});
        double u = 0.0;
        double v = 0.0;
        for (int axis = 0; axis < 3; ++axis) {
          u += (world[axis] - slicePosition[axis]) * (axis == 0 ? 1.0 : 0.0) / flat.spacing[0];
          v += (world[axis] - slicePosition[axis]) * column_[axis] / flat.spacing[1];
        }
        const auto row = static_cast<long>(std::floor(v));
        if (row < 0 || row + 1 > 511) {
          continue;
        }
        const auto column = std::lround(u);
        ASSERT_NEAR(u, double(column), 1e-4);  // the row direction is untouched by the tilt
        const double weight = v - double(row);
        const double expected = (1 - weight) * original.image->GetPixel({{column, row, long(k)}}) +
                                weight * original.image->GetPixel({{column, row + 1, long(k)}});
        largestDifference =
            std::max(largestDifference, std::abs(expected - tilted.image->GetPixel({{long(i), long(j), long(k)}})));
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 10000u);
  EXPECT_LT(largestDifference, 0.01);  // HU
}

// dcm2niix (v1.0.20220720 here) writes a tilt-corrected volume beside the uncorrected one.
TEST_F(TiltedRealSeries, AgreesWithDcm2niixInGridAndIntensities) {
  SKIPSEG_REQUIRE_SHARED_DATA(source, "totalsegmentator/example_ct_dicom");
  const std::string dcm2niix = "/usr/bin/dcm2niix";
  if (!std::filesystem::exists(dcm2niix)) {
    // CI installs it with the other dependencies: there its absence is a failure, elsewhere a skip.
    if (skipseg::testing::runningUnderCi()) {
      FAIL() << "dcm2niix is not installed under CI (Pipelines/install-dependencies.sh installs it)";
    }
    GTEST_SKIP() << "dcm2niix is not installed (Pipelines/install-dependencies.sh installs it)";
  }
  makeSeries(source);
  const std::string converted = work_.file("dcm2niix");
  std::filesystem::create_directories(converted);
  const std::string command = dcm2niix + " -z n -b n -f tilted -o '" + converted + "' '" + tilted_ + "' > '" +
                              work_.file("dcm2niix.log") + "' 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const std::string corrected = converted + "/tilted_Tilt_1.nii";
  ASSERT_TRUE(std::filesystem::exists(corrected)) << "dcm2niix wrote no tilt-corrected volume";

  const ReadResult ours = readImage(tilted_);
  const ReadResult theirs = readImage(corrected);
  const ImageGeometry a = geometryOf(ours.image);
  const ImageGeometry b = geometryOf(theirs.image);
  EXPECT_EQ(a.size, b.size);
  for (int axis = 0; axis < 3; ++axis) {
    EXPECT_NEAR(a.spacing[axis], b.spacing[axis], 0.01) << "spacing " << axis;
    // dcm2niix stores the rows in reverse order (NIfTI's usual flip): its j axis is our -j.
    const double sign = axis == 1 ? -1.0 : 1.0;
    for (int world = 0; world < 3; ++world) {
      EXPECT_NEAR(a.direction[world * 3 + axis], sign * b.direction[world * 3 + axis], 1e-4);
    }
  }
  // Voxel for voxel, with the rows reversed: the best of a few row offsets (how each rounds the shear to
  // whole rows) must agree, with a correlation of the intensities above 0.9999.
  const auto rows = static_cast<long>(a.size[1]);
  double best = -1.0;
  long bestOffset = 0;
  for (long offset = -2; offset <= 2; ++offset) {
    double sumA = 0, sumB = 0, sumAA = 0, sumBB = 0, sumAB = 0, n = 0;
    for (long k = 0; k < long(a.size[2]); ++k) {
      for (long j = 0; j < rows; j += 2) {
        const long mirrored = rows - 1 - j + offset;
        if (mirrored < 0 || mirrored >= rows) {
          continue;
        }
        for (long i = 0; i < long(a.size[0]); i += 2) {
          const double x = ours.image->GetPixel({{i, j, k}});
          const double y = theirs.image->GetPixel({{i, mirrored, k}});
          sumA += x, sumB += y, sumAA += x * x, sumBB += y * y, sumAB += x * y, n += 1;
        }
      }
    }
    const double correlation =
        (sumAB - sumA * sumB / n) / std::sqrt((sumAA - sumA * sumA / n) * (sumBB - sumB * sumB / n));
    if (correlation > best) {
      best = correlation;
      bestOffset = offset;
    }
  }
  std::cout << "tilted series vs dcm2niix: intensity correlation " << best << " with a row offset of " << bestOffset
            << "; origins " << a.describe() << " | " << b.describe() << "\n";
  EXPECT_GT(best, 0.9999);
  EXPECT_LE(std::abs(bestOffset), 1);
}

// The labels were made on this series and stored LAS: every voxel centre of the series must be a
// voxel centre of the labels, within 0.001 mm.
TEST(DicomSeries, RealCtSeriesAgreesWithItsLabelsInWorldSpace) {
  SKIPSEG_REQUIRE_SHARED_DATA(folder, "totalsegmentator/example_ct_dicom");
  SKIPSEG_REQUIRE_SHARED_DATA(labelsPath, "totalsegmentator/example_seg_dicom.nii.gz");
  const ReadResult read = readImage(folder);
  const auto labels = readLabelImage(labelsPath);
  EXPECT_EQ(orientationCode(labels.GetPointer()), "LAS");
  EXPECT_NE(orientationCode(read.image.GetPointer()), "LAS");
  const ImageGeometry ct = geometryOf(read.image);
  const auto labelSize = labels->GetLargestPossibleRegion().GetSize();
  double largestDistance = 0.0;
  std::size_t outside = 0;
  for (std::size_t k = 0; k < ct.size[2]; ++k) {
    for (std::size_t j = 0; j < ct.size[1]; ++j) {
      for (std::size_t i = 0; i < ct.size[0]; ++i) {
        const auto world = ct.indexToPhysical({{double(i), double(j), double(k)}});
        itk::Point<double, 3> point;
        std::copy(world.begin(), world.end(), point.Begin());
        itk::ContinuousIndex<double, 3> index;
        labels->TransformPhysicalPointToContinuousIndex(point, index);
        itk::Index<3> nearest;
        bool inside = true;
        for (int axis = 0; axis < 3; ++axis) {
          nearest[axis] = std::lround(index[axis]);
          inside = inside && nearest[axis] >= 0 && nearest[axis] < static_cast<long>(labelSize[axis]);
        }
        outside += inside ? 0 : 1;
        itk::Point<double, 3> centre;
        labels->TransformIndexToPhysicalPoint(nearest, centre);
        largestDistance = std::max(largestDistance, centre.EuclideanDistanceTo(point));
      }
    }
  }
  EXPECT_EQ(outside, 0u);
  EXPECT_LT(largestDistance, 0.001);
}

}  // namespace
}  // namespace skipseg::io
