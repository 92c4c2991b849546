#include "SyntheticImages.h"
#include "skipseg/core/Error.h"
#include "skipseg/io/Orientation.h"

#include <gtest/gtest.h>

#include <cmath>

namespace skipseg::io {
namespace {

TEST(OrientationCode, IdentityDirectionIsLpsBecauseItkWorldIsLps) {
  EXPECT_EQ(orientationCode(std::array<double, 9>{{1, 0, 0, 0, 1, 0, 0, 0, 1}}), "LPS");
}

TEST(OrientationCode, FlippedXAndYIsRas) {
  EXPECT_EQ(orientationCode(std::array<double, 9>{{-1, 0, 0, 0, -1, 0, 0, 0, 1}}), "RAS");
}

TEST(OrientationCode, PermutedAxesNameWhereEachVoxelAxisPoints) {
  // i runs toward -z (Inferior), j toward +x (Left), k toward -y (Anterior); columns are the axes.
  EXPECT_EQ(orientationCode(std::array<double, 9>{{0, 1, 0, 0, 0, -1, -1, 0, 0}}), "ILA");
}

TEST(OrientationCode, ObliqueDirectionTakesTheClosestCode) {
  const double c = std::cos(0.3);
  const double s = std::sin(0.3);
  // About 17 degrees off LPS in the axial plane.
  EXPECT_EQ(orientationCode(std::array<double, 9>{{c, -s, 0, s, c, 0, 0, 0, 1}}), "LPS");
  // 45 degrees plus a hair: still one distinct world axis per voxel axis.
  const double h = std::sqrt(0.5);
  EXPECT_TRUE(isOrientationCode(orientationCode(std::array<double, 9>{{h, -h, 0, h, h, 0, 0, 0, 1}})));
}

TEST(OrientationCode, ValidatesCodes) {
  EXPECT_TRUE(isOrientationCode("RAS"));
  EXPECT_TRUE(isOrientationCode("lpi"));
  EXPECT_FALSE(isOrientationCode("RRS"));
  EXPECT_FALSE(isOrientationCode("RA"));
  EXPECT_FALSE(isOrientationCode("RAX"));
}

// Every one of the 48 codes, from an oblique negative-step image: each voxel keeps its world position
// and its value.
TEST(Reorient, EveryCodeKeepsEveryVoxelsWorldPositionAndValue) {
  const ImageGeometry geometry = testing::syntheticGeometry(testing::obliqueNegativeStepDirection());
  const auto image = testing::makeFloatImage(geometry);
  const std::string letters[3][2] = {{"R", "L"}, {"A", "P"}, {"S", "I"}};
  const int permutations[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  int tested = 0;
  for (const auto& permutation : permutations) {
    for (int signs = 0; signs < 8; ++signs) {
      std::string code;
      for (int axis = 0; axis < 3; ++axis) {
        code += letters[permutation[axis]][(signs >> axis) & 1];
      }
      const auto turned = reorient(image.GetPointer(), code);
      EXPECT_EQ(orientationCode(turned.GetPointer()), code);
      const ImageGeometry result = geometryOf(turned);
      const float* values = turned->GetBufferPointer();
      std::size_t index = 0;
      for (std::size_t k = 0; k < result.size[2]; ++k) {
        for (std::size_t j = 0; j < result.size[1]; ++j) {
          for (std::size_t i = 0; i < result.size[0]; ++i, ++index) {
            const auto world = result.indexToPhysical({{double(i), double(j), double(k)}});
            itk::Point<double, 3> point;
            point[0] = world[0];
            point[1] = world[1];
            point[2] = world[2];
            itk::ContinuousIndex<double, 3> source;
            image->TransformPhysicalPointToContinuousIndex(point, source);
            itk::Index<3> nearest;
            for (int axis = 0; axis < 3; ++axis) {
              ASSERT_NEAR(source[axis], std::round(source[axis]), 1e-9) << code;
              nearest[axis] = std::lround(source[axis]);
            }
            ASSERT_EQ(values[index], image->GetPixel(nearest)) << code;
          }
        }
      }
      ++tested;
    }
  }
  EXPECT_EQ(tested, 48);
}

TEST(Reorient, LabelImagesKeepTheirLabels) {
  const ImageGeometry geometry = testing::syntheticGeometry({{1, 0, 0, 0, 1, 0, 0, 0, 1}});
  const auto labels = testing::makeLabelImage(geometry, 5, 1);
  const auto turned = reorient(labels.GetPointer(), "RAI");
  EXPECT_EQ(orientationCode(turned.GetPointer()), "RAI");
  // Voxel (0,0,0) of RAI is the source's far corner on all three axes.
  itk::Index<3> corner{{6, 4, 3}};
  EXPECT_EQ(turned->GetPixel({{0, 0, 0}}), labels->GetPixel(corner));
  itk::Point<double, 3> turnedOrigin = turned->GetOrigin();
  itk::Point<double, 3> cornerPoint;
  labels->TransformIndexToPhysicalPoint(corner, cornerPoint);
  EXPECT_LT(turnedOrigin.EuclideanDistanceTo(cornerPoint), 1e-9);
}

TEST(Reorient, InvalidCodeIsAUsageError) {
  const auto image = testing::makeFloatImage(testing::syntheticGeometry({{1, 0, 0, 0, 1, 0, 0, 0, 1}}));
  try {
    reorient(image.GetPointer(), "RAR");
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::Usage);
    EXPECT_NE(std::string(error.what()).find("orientation code 'RAR' is not valid"), std::string::npos);
  }
}

}  // namespace
}  // namespace skipseg::io
