#include "SyntheticDicom.h"
#include "skipseg/core/Error.h"
#include "skipseg/io/DicomSeries.h"
#include "skipseg/io/Geometry.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/Orientation.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>

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

TEST(DicomSeries, GantryTiltIsReportedWithItsAngle) {
  skipseg::testing::TemporaryDirectory folder;
  writeStack(folder.path(), {0.0, 2.0, 4.0, 6.0}, {{1, 0, 0, 0, 1, 0}}, {{0, 0.5, 0}});
  expectError([&] { readImage(folder.path()); }, ExitCode::Unsupported, folder.path(),
              "gantry tilt: slice positions leave the slice normal by up to 1.5 mm (a tilt of about 14 degrees)");
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
