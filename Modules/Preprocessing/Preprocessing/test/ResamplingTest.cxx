#include <gtest/gtest.h>

#include <itkBSplineInterpolateImageFunction.h>
#include <itkContinuousIndex.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkNearestNeighborInterpolateImageFunction.h>
#include <itkResampleImageFilter.h>

#include <random>

#include <set>

#include "GridTestHelpers.h"
#include "skipseg/core/Error.h"
#include "skipseg/preprocessing/Resampling.h"

namespace skipseg::preprocessing {
namespace {

using testing::centreOf;
using testing::distance;
using testing::makeGrid;
using testing::obliqueDirection;
using testing::permuted;

/// A plane in world space: the exact result of linear interpolation anywhere between voxel centres.
double ramp(const std::array<double, 3>& point) {
  return 0.3 * point[0] - 0.7 * point[1] + 1.1 * point[2] + 5.0;
}

FloatImage::Pointer rampImage(const ImageGeometry& grid) {
  auto image = makeFloatImage(grid);
  float* values = image->GetBufferPointer();
  for (std::size_t k = 0; k < grid.size[2]; ++k) {
    for (std::size_t j = 0; j < grid.size[1]; ++j) {
      for (std::size_t i = 0; i < grid.size[0]; ++i) {
        *values++ = static_cast<float>(ramp(centreOf(grid, i, j, k)));
      }
    }
  }
  return image;
}

/// True when `point` lies between the outermost voxel centres of `image` (where interpolation is exact).
bool betweenCentres(const FloatImage& image, const std::array<double, 3>& point, double inset) {
  FloatImage::PointType itkPoint;
  for (int axis = 0; axis < 3; ++axis) {
    itkPoint[axis] = point[axis];
  }
  itk::ContinuousIndex<double, 3> index;
  image.TransformPhysicalPointToContinuousIndex(itkPoint, index);
  const auto size = image.GetLargestPossibleRegion().GetSize();
  for (int axis = 0; axis < 3; ++axis) {
    if (index[axis] < inset || index[axis] > static_cast<double>(size[axis]) - 1 - inset) {
      return false;
    }
  }
  return true;
}

const ImageGeometry kObliqueNegative =
    makeGrid({{23, 17, 11}}, {{0.8, 1.3, 2.5}}, {{-40.0, 12.5, 7.0}}, permuted(obliqueDirection(25.0), {{2, 0, 1}}, 1));

TEST(GridForSpacing, KeepsFieldOfViewCentreAndDirection) {
  const ImageGeometry grid = gridForSpacing(kObliqueNegative, {{1.5, 1.5, 1.5}});
  // round(23 * 0.8 / 1.5) = 12, round(17 * 1.3 / 1.5) = 15, round(11 * 2.5 / 1.5) = 18
  EXPECT_EQ(grid.size, (std::array<std::size_t, 3>{{12, 15, 18}}));
  EXPECT_EQ(grid.direction, kObliqueNegative.direction);
  for (int axis = 0; axis < 3; ++axis) {
    EXPECT_NEAR(grid.spacing[axis] * grid.size[axis], kObliqueNegative.spacing[axis] * kObliqueNegative.size[axis],
                1e-9);
  }
  // The outer corners of the field of view (index -0.5 and size - 0.5) stay where they were.
  for (double corner : {-0.5, 1.0}) {
    auto at = [corner](const ImageGeometry& g, int axis) {
      return corner < 0 ? -0.5 : static_cast<double>(g.size[axis]) - 0.5;
    };
    const auto before =
        centreOf(kObliqueNegative, at(kObliqueNegative, 0), at(kObliqueNegative, 1), at(kObliqueNegative, 2));
    const auto after = centreOf(grid, at(grid, 0), at(grid, 1), at(grid, 2));
    EXPECT_LT(distance(before, after), 1e-9);
  }
}

TEST(GridForSpacing, SameSpacingIsSameGrid) {
  EXPECT_TRUE(gridForSpacing(kObliqueNegative, kObliqueNegative.spacing).sameGrid(kObliqueNegative, 1e-9));
}

TEST(ResampleToSpacing, LinearReproducesAWorldSpaceRamp) {
  const auto image = rampImage(kObliqueNegative);
  ResampleOptions options;
  // 2.5 / 0.8 > 3: anisotropic, two passes; linear in both keeps a ramp exact.
  options.interpolation = Interpolation::Linear;
  options.throughPlaneInterpolation = Interpolation::Linear;
  const auto resampled = resampleToSpacing(*image, {{1.1, 1.1, 1.1}}, options);
  const ImageGeometry grid = geometryOf(*resampled);
  EXPECT_TRUE(grid.sameGrid(gridForSpacing(kObliqueNegative, {{1.1, 1.1, 1.1}}), 1e-9));
  std::size_t checked = 0;
  const float* values = resampled->GetBufferPointer();
  for (std::size_t k = 0; k < grid.size[2]; ++k) {
    for (std::size_t j = 0; j < grid.size[1]; ++j) {
      for (std::size_t i = 0; i < grid.size[0]; ++i, ++values) {
        const auto point = centreOf(grid, i, j, k);
        if (betweenCentres(*image, point, 0.0)) {
          ASSERT_NEAR(*values, ramp(point), 1e-3) << "voxel " << i << "," << j << "," << k;
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, grid.voxelCount() / 2);
}

TEST(ResampleToSpacing, BSplineReproducesARampAwayFromTheEdges) {
  const auto image = rampImage(kObliqueNegative);
  ResampleOptions options;
  options.interpolation = Interpolation::BSpline;
  options.throughPlaneInterpolation = Interpolation::BSpline;  // same on every axis: one pass
  const auto resampled = resampleToSpacing(*image, {{1.0, 1.0, 1.0}}, options);
  const ImageGeometry grid = geometryOf(*resampled);
  std::size_t checked = 0;
  const float* values = resampled->GetBufferPointer();
  for (std::size_t k = 0; k < grid.size[2]; ++k) {
    for (std::size_t j = 0; j < grid.size[1]; ++j) {
      for (std::size_t i = 0; i < grid.size[0]; ++i, ++values) {
        const auto point = centreOf(grid, i, j, k);
        // Mirror boundary conditions bend the spline near the edges; the effect decays ~0.27x per voxel.
        if (betweenCentres(*image, point, 4.0)) {
          ASSERT_NEAR(*values, ramp(point), 5e-2) << "voxel " << i << "," << j << "," << k;
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 0u);
}

TEST(SeparateAxis, FollowsNnUNetsAnisotropyRule) {
  EXPECT_EQ(separateAxisFor({{0.7, 0.7, 5.0}}, {{1.5, 1.5, 1.5}}, 3.0), 2);  // thick slices in the input
  EXPECT_EQ(separateAxisFor({{4.0, 0.8, 0.8}}, {{1.0, 1.0, 1.0}}, 3.0), 0);
  EXPECT_EQ(separateAxisFor({{1.0, 1.0, 1.0}}, {{0.5, 0.5, 1.4}}, 3.0), -1);  // neither is anisotropic
  EXPECT_EQ(separateAxisFor({{1.0, 1.0, 1.0}}, {{0.5, 0.5, 1.6}}, 3.0), 2);   // judged on the target too
  EXPECT_EQ(separateAxisFor({{1.0, 1.0, 2.9}}, {{1.0, 1.0, 1.0}}, 3.0), -1);  // not anisotropic enough
  EXPECT_EQ(separateAxisFor({{5.0, 5.0, 1.0}}, {{1.0, 1.0, 1.0}}, 3.0), -1);  // two coarsest axes: one pass
  EXPECT_EQ(separateAxisFor({{0.7, 0.7, 5.0}}, {{1.0, 1.0, 1.0}}, 0.0), -1);  // rule switched off
}

/// Thick slices (5 mm), each with its own constant value: through-plane nearest keeps slice values,
/// through-plane linear blends them.
TEST(ResampleToSpacing, AnisotropicDataIsResampledThroughPlaneSeparately) {
  const ImageGeometry thick = makeGrid({{12, 10, 6}}, {{0.8, 0.8, 5.0}}, {{3, -2, 1}}, obliqueDirection(10.0));
  auto image = makeFloatImage(thick);
  std::set<float> sliceValues;
  float* values = image->GetBufferPointer();
  for (std::size_t k = 0; k < thick.size[2]; ++k) {
    sliceValues.insert(100.0f * (k + 1));
    for (std::size_t voxel = 0; voxel < thick.size[0] * thick.size[1]; ++voxel) {
      *values++ = 100.0f * (k + 1);
    }
  }
  ResampleOptions options;
  options.interpolation = Interpolation::BSpline;
  const auto nearestThrough = resampleToSpacing(*image, {{1.0, 1.0, 1.0}}, options);
  const std::size_t count = nearestThrough->GetBufferedRegion().GetNumberOfPixels();
  EXPECT_EQ(geometryOf(*nearestThrough).size, (std::array<std::size_t, 3>{{10, 8, 30}}));
  for (std::size_t voxel = 0; voxel < count; ++voxel) {
    // In-plane B-spline of a constant slice is that constant (up to float rounding).
    const float value = nearestThrough->GetBufferPointer()[voxel];
    const auto closest = sliceValues.lower_bound(value - 0.01f);
    ASSERT_TRUE(closest != sliceValues.end() && std::abs(*closest - value) < 0.01f) << value;
  }
  options.throughPlaneInterpolation = Interpolation::Linear;
  const auto linearThrough = resampleToSpacing(*image, {{1.0, 1.0, 1.0}}, options);
  std::size_t blended = 0;
  for (std::size_t voxel = 0; voxel < count; ++voxel) {
    const float value = linearThrough->GetBufferPointer()[voxel];
    const auto closest = sliceValues.lower_bound(value - 0.01f);
    blended += (closest == sliceValues.end() || std::abs(*closest - value) >= 0.01f) ? 1 : 0;
  }
  EXPECT_GT(blended, count / 2);
}

TEST(ResampleToSpacing, KeepingTheThroughPlaneSpacingKeepsTheSlices) {
  // As for a 2D model: only in-plane changes; every output slice lies on an input slice.
  const ImageGeometry thick = makeGrid({{12, 10, 6}}, {{0.8, 0.8, 5.0}}, {{3, -2, 1}}, obliqueDirection(10.0));
  auto image = makeFloatImage(thick);
  for (std::size_t k = 0; k < thick.size[2]; ++k) {
    std::fill_n(image->GetBufferPointer() + k * thick.size[0] * thick.size[1], thick.size[0] * thick.size[1],
                10.0f * k);
  }
  ResampleOptions options;
  options.interpolation = Interpolation::Linear;
  const auto resampled = resampleToSpacing(*image, {{1.6, 1.6, 5.0}}, options);
  const ImageGeometry grid = geometryOf(*resampled);
  ASSERT_EQ(grid.size, (std::array<std::size_t, 3>{{6, 5, 6}}));
  EXPECT_LT(distance(centreOf(grid, 0, 0, 3), centreOf(thick, 0.5, 0.5, 3)), 1e-9);
  for (std::size_t k = 0; k < grid.size[2]; ++k) {
    EXPECT_NEAR(resampled->GetBufferPointer()[k * grid.size[0] * grid.size[1] + 7], 10.0f * k, 1e-4);
  }
}

TEST(ResampleOntoGrid, OutsideTheFieldOfViewGetsTheOutsideValue) {
  const ImageGeometry source = testing::makeGrid({{10, 10, 10}}, {{1, 1, 1}}, {{0, 0, 0}}, obliqueDirection(0.0));
  auto image = makeFloatImage(source, 7.0f);
  // Shifted by 5 mm along x: the first 5 columns (centres at -5..-1 mm, outside [-0.5, 9.5)) are outside.
  const ImageGeometry shifted = makeGrid({{10, 10, 10}}, {{1, 1, 1}}, {{-5, 0, 0}}, obliqueDirection(0.0));
  const auto resampled = resampleOntoGrid(*image, shifted, Interpolation::Linear, -1.0f);
  const float* values = resampled->GetBufferPointer();
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(values[i], i < 5 ? -1.0f : 7.0f) << i;
  }
}

LabelImage::Pointer blockLabels(const ImageGeometry& grid) {
  auto labels = makeLabelImage(grid);
  LabelValue* values = labels->GetBufferPointer();
  for (std::size_t k = 0; k < grid.size[2]; ++k) {
    for (std::size_t j = 0; j < grid.size[1]; ++j) {
      for (std::size_t i = 0; i < grid.size[0]; ++i) {
        *values++ = static_cast<LabelValue>(i < grid.size[0] / 3 ? 0 : (j < grid.size[1] / 2 ? 4 : 9));
      }
    }
  }
  return labels;
}

TEST(ResampleLabels, NearestAndPerLabelLinearOnlyProduceExistingLabels) {
  const auto labels = blockLabels(kObliqueNegative);
  for (auto mode : {LabelInterpolation::Nearest, LabelInterpolation::PerLabelLinear}) {
    ResampleOptions options;
    options.labelInterpolation = mode;
    const auto resampled = resampleLabelsToSpacing(*labels, {{0.6, 0.6, 0.6}}, options);
    EXPECT_TRUE(geometryOf(*resampled).sameGrid(gridForSpacing(kObliqueNegative, {{0.6, 0.6, 0.6}}), 1e-9));
    std::set<LabelValue> seen;
    for (std::size_t voxel = 0; voxel < resampled->GetBufferedRegion().GetNumberOfPixels(); ++voxel) {
      seen.insert(resampled->GetBufferPointer()[voxel]);
    }
    EXPECT_EQ(seen, (std::set<LabelValue>{0, 4, 9}));
  }
}

TEST(ResampleLabels, OntoTheSameGridIsTheIdentity) {
  const auto labels = blockLabels(kObliqueNegative);
  for (auto mode : {LabelInterpolation::Nearest, LabelInterpolation::PerLabelLinear}) {
    const auto same = resampleLabelsOntoGrid(*labels, kObliqueNegative, mode);
    EXPECT_TRUE(std::equal(same->GetBufferPointer(), same->GetBufferPointer() + kObliqueNegative.voxelCount(),
                           labels->GetBufferPointer()));
  }
}

TEST(ParseInterpolation, NamesTheOptionWhenWrong) {
  EXPECT_EQ(parseInterpolation("bspline", "--interpolation"), Interpolation::BSpline);
  try {
    parseInterpolation("cubic", "--interpolation");
    FAIL() << "accepted cubic";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::Usage);
    EXPECT_NE(std::string(error.what()).find("--interpolation"), std::string::npos);
  }
}

}  // namespace
}  // namespace skipseg::preprocessing

namespace skipseg::preprocessing {
namespace {

/// ITK's ResampleImageFilter with the interpolator SkipSeg would use: the reference for the
/// axis-by-axis path that resampleOntoGrid takes when the grids share their direction.
FloatImage::Pointer resampleWithItk(const FloatImage& image, const ImageGeometry& grid, Interpolation interpolation,
                                    float outside) {
  using Filter = itk::ResampleImageFilter<FloatImage, FloatImage, double>;
  auto filter = Filter::New();
  filter->SetInput(&image);
  if (interpolation == Interpolation::Nearest) {
    filter->SetInterpolator(itk::NearestNeighborInterpolateImageFunction<FloatImage, double>::New());
  } else if (interpolation == Interpolation::Linear) {
    filter->SetInterpolator(itk::LinearInterpolateImageFunction<FloatImage, double>::New());
  } else {
    auto bspline = itk::BSplineInterpolateImageFunction<FloatImage, double, float>::New();
    bspline->SetSplineOrder(3);
    filter->SetInterpolator(bspline);
  }
  auto outputGrid = itk::ImageBase<3>::New();
  applyGeometry(grid, outputGrid);
  filter->SetOutputParametersFromImage(outputGrid);
  filter->SetDefaultPixelValue(outside);
  filter->Update();
  return filter->GetOutput();
}

TEST(Resampling, AxisByAxisGivesItksAnswerForEveryInterpolationAndGrid) {
  // An oblique, anisotropic source with rough content (noise on a ramp) and target grids that
  // upsample, downsample, shift beyond the source's edges and keep a single slice.
  ImageGeometry source =
      testing::makeGrid({23, 17, 9}, {0.8, 1.1, 3.0}, {-20.0, 14.0, 7.5}, testing::obliqueDirection(25.0));
  auto image = makeFloatImage(source);
  std::mt19937 random(5);
  std::normal_distribution<float> noise(0.0f, 40.0f);
  float* values = image->GetBufferPointer();
  for (std::size_t v = 0; v < source.voxelCount(); ++v) {
    values[v] = static_cast<float>(v % 97) * 3.0f + noise(random);
  }
  std::vector<ImageGeometry> targets{gridForSpacing(source, {0.5, 0.5, 1.0}), gridForSpacing(source, {1.6, 2.2, 4.5}),
                                     gridForSpacing(source, {0.8, 1.1, 3.0})};
  ImageGeometry shifted = gridForSpacing(source, {0.7, 0.9, 2.0});
  for (int row = 0; row < 3; ++row) {
    shifted.origin[row] += 4.3 * source.direction[row * 3 + 0] - 2.9 * source.direction[row * 3 + 2];
  }
  targets.push_back(shifted);
  ImageGeometry slice = gridForSpacing(source, {0.6, 0.6, 3.0});
  slice.size[2] = 1;
  targets.push_back(slice);
  for (const Interpolation interpolation : {Interpolation::Nearest, Interpolation::Linear, Interpolation::BSpline}) {
    for (std::size_t t = 0; t < targets.size(); ++t) {
      SCOPED_TRACE(toString(interpolation) + ", target " + std::to_string(t));
      const auto fast = resampleOntoGrid(*image, targets[t], interpolation, -1000.0f);
      const auto reference = resampleWithItk(*image, targets[t], interpolation, -1000.0f);
      ASSERT_TRUE(geometryOf(*fast).sameGrid(geometryOf(*reference), 1e-9));
      double largest = 0;
      std::size_t outside = 0;
      for (std::size_t v = 0; v < targets[t].voxelCount(); ++v) {
        largest = std::max(largest, std::abs(double(fast->GetBufferPointer()[v]) - reference->GetBufferPointer()[v]));
        outside += reference->GetBufferPointer()[v] == -1000.0f ? 1 : 0;
      }
      EXPECT_LT(largest, 1e-3) << "values up to ~400";  // float rounding of the sums, nothing else
      if (t == 3) {
        EXPECT_GT(outside, 0u);  // the shifted grid reaches past the source: both agree where
      }
    }
  }
}

}  // namespace
}  // namespace skipseg::preprocessing
