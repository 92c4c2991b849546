// The model-grid preprocessor: nnU-Net's order (crop, then normalise on the cropped native image, then
// resample), labels through the same crop, reorientation and the 2D rule, and the record of it all.
#include "skipseg/preprocessing/ModelGridPreprocessor.h"

#include "GridTestHelpers.h"
#include "skipseg/core/Error.h"

#include <gtest/gtest.h>

#include <cmath>

namespace skipseg::preprocessing {
namespace {

using testing::makeGrid;

// 10^3 voxels at 1 mm, zero except a 4^3 box at index 3..6 whose value is 1 + (i - 3): 1, 2, 3, 4 along i.
FloatImage::Pointer boxImage(const std::array<double, 9>& direction = {{1, 0, 0, 0, 1, 0, 0, 0, 1}}) {
  auto image = makeFloatImage(makeGrid({{10, 10, 10}}, {{1, 1, 1}}, {{-5, 2, 7}}, direction));
  image->FillBuffer(0.0f);
  for (long k = 3; k < 7; ++k) {
    for (long j = 3; j < 7; ++j) {
      for (long i = 3; i < 7; ++i) {
        image->SetPixel({{i, j, k}}, static_cast<float>(1 + (i - 3)));
      }
    }
  }
  return image;
}

ModelDescription zScoreModel() {
  ModelDescription model;
  model.spacing = {{2, 2, 2}};
  model.cropToNonZero = true;
  model.interpolation = "nearest";
  NormalizationSpec spec;
  spec.scheme = NormalizationSpec::Scheme::ZScore;
  model.normalization = {spec};
  return model;
}

// nnU-Net normalises before resampling: the statistics are those of the cropped box at its own
// resolution (values 1..4: mean 2.5, population std sqrt(1.25)), not of the downsampled grid.
TEST(ModelGridPreprocessor, NormalisesTheCroppedImageBeforeResampling) {
  const auto prepared = prepareForModel({boxImage()}, zScoreModel());
  const ModelGridRecord& record = prepared.record;
  EXPECT_TRUE(record.cropped());
  EXPECT_EQ(record.crop.index, (std::array<std::size_t, 3>{{3, 3, 3}}));
  EXPECT_EQ(record.crop.size, (std::array<std::size_t, 3>{{4, 4, 4}}));
  EXPECT_EQ(record.modelGrid.size, (std::array<std::size_t, 3>{{2, 2, 2}}));
  EXPECT_EQ(record.modelGrid.spacing, (std::array<double, 3>{{2, 2, 2}}));
  // The model grid tiles the box: its first voxel centre lies half a (2 mm) voxel inside the box's face.
  EXPECT_NEAR(record.modelGrid.origin[0], -5 + 3 - 0.5 + 1.0, 1e-9);
  EXPECT_EQ(record.interpolation, Interpolation::Nearest);
  ASSERT_EQ(prepared.voxels.values.size(), 8u);
  const double std = std::sqrt(1.25);
  // Nearest neighbour: model voxel i = 0 at box i 0.5 (-> value 2 or 1), i = 1 at 2.5 (-> 4 or 3).
  for (std::size_t k = 0; k < 2; ++k) {
    for (std::size_t j = 0; j < 2; ++j) {
      const float low = prepared.voxels.at(0, 0, j, k);
      const float high = prepared.voxels.at(0, 1, j, k);
      EXPECT_TRUE(std::abs(low - (1 - 2.5) / std) < 1e-5 || std::abs(low - (2 - 2.5) / std) < 1e-5) << low;
      EXPECT_TRUE(std::abs(high - (3 - 2.5) / std) < 1e-5 || std::abs(high - (4 - 2.5) / std) < 1e-5) << high;
      // Normalised after resampling, two values would have become exactly -1 and +1.
      EXPECT_GT(std::abs(std::abs(low) - 1.0), 0.05);
    }
  }
}

TEST(ModelGridPreprocessor, LabelsTakeTheSameCropAndGrid) {
  auto image = boxImage();
  auto labels = makeLabelImage(geometryOf(*image));
  labels->FillBuffer(0);
  for (long k = 3; k < 7; ++k) {
    for (long j = 3; j < 7; ++j) {
      for (long i = 3; i < 7; ++i) {
        labels->SetPixel({{i, j, k}}, static_cast<LabelValue>(i < 5 ? 1 : 2));
      }
    }
  }
  const auto prepared = prepareForModel({image}, zScoreModel(), labels);
  ASSERT_TRUE(prepared.labels);
  EXPECT_TRUE(geometryOf(*prepared.labels).sameGrid(prepared.record.modelGrid));
  for (long k = 0; k < 2; ++k) {
    for (long j = 0; j < 2; ++j) {
      EXPECT_EQ(prepared.labels->GetPixel({{0, j, k}}), 1);
      EXPECT_EQ(prepared.labels->GetPixel({{1, j, k}}), 2);
    }
  }
}

// Without crop_to_nonzero the whole scan is kept; a 2D model keeps the spacing across slices; the
// model's orientation is reached by moving voxels (RAS from ITK's LPS: i and j flip).
TEST(ModelGridPreprocessor, ReorientsAndKeepsTheSliceSpacingOfA2DModel) {
  ModelDescription model = zScoreModel();
  model.cropToNonZero = false;
  model.spatialDims = 2;
  model.orientation = "RAS";
  model.normalization = {};
  model.spacing = {{1, 1, 4}};
  const auto prepared = prepareForModel({boxImage()}, model);
  const ModelGridRecord& record = prepared.record;
  EXPECT_FALSE(record.cropped());
  EXPECT_EQ(record.orientation, "RAS");
  EXPECT_EQ(record.modelGrid.size, (std::array<std::size_t, 3>{{10, 10, 10}}));
  EXPECT_EQ(record.modelGrid.direction, (std::array<double, 9>{{-1, 0, 0, 0, -1, 0, 0, 0, 1}}));
  // Box voxel (3, 5, 4) (value 1) lies at RAS index (6, 4, 4); no normalisation was asked for.
  EXPECT_EQ(prepared.voxels.at(0, 6, 4, 4), 1.0f);
  EXPECT_EQ(prepared.voxels.at(0, 3, 4, 4), 4.0f);
  EXPECT_EQ(record.nativeGeometry.size, (std::array<std::size_t, 3>{{10, 10, 10}}));
  EXPECT_EQ(record.toJson().at("orientation"), "RAS");
}

TEST(ModelGridPreprocessor, WrongChannelCountIsBadInputNamingTheModel) {
  ModelDescription model = zScoreModel();
  model.inChannels = 2;
  model.source = "two.ssm";
  try {
    prepareForModel({boxImage()}, model);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::BadInput);
    EXPECT_STREQ(error.what(), "two.ssm: the model takes 2 input channel(s), not 1");
  }
}

}  // namespace
}  // namespace skipseg::preprocessing
