#include "skipseg/preprocessing/Resampling.h"

#include <itkBSplineInterpolateImageFunction.h>
#include <itkImageRegionConstIterator.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkNearestNeighborInterpolateImageFunction.h>
#include <itkResampleImageFilter.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <vector>

#include "SeparableResampling.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/Logging.h"

namespace skipseg::preprocessing {

Interpolation parseInterpolation(const std::string& text, const std::string& optionName) {
  if (text == "nearest") {
    return Interpolation::Nearest;
  }
  if (text == "linear") {
    return Interpolation::Linear;
  }
  if (text == "bspline") {
    return Interpolation::BSpline;
  }
  throw usageError(optionName + " must be nearest, linear or bspline, not \"" + text + "\"");
}

std::string toString(Interpolation interpolation) {
  switch (interpolation) {
    case Interpolation::Nearest: return "nearest";
    case Interpolation::Linear: return "linear";
    case Interpolation::BSpline: return "bspline";
  }
  return "unknown";
}

ImageGeometry gridForSpacing(const ImageGeometry& source, const std::array<double, 3>& targetSpacing) {
  ImageGeometry grid = source;
  std::array<double, 3> originShift{{0, 0, 0}};
  for (int axis = 0; axis < 3; ++axis) {
    if (!(targetSpacing[axis] > 0)) {
      throw internalError("target spacing must be positive");
    }
    const double extent = static_cast<double>(source.size[axis]) * source.spacing[axis];
    const auto newSize = static_cast<std::size_t>(std::max(1.0, std::round(extent / targetSpacing[axis])));
    grid.size[axis] = newSize;
    grid.spacing[axis] = extent / static_cast<double>(newSize);
    // The outer face of the first voxel stays where it was: the first centre moves by half the change.
    originShift[axis] = (grid.spacing[axis] - source.spacing[axis]) / 2.0;
  }
  for (int row = 0; row < 3; ++row) {
    for (int axis = 0; axis < 3; ++axis) {
      grid.origin[row] += source.direction[row * 3 + axis] * originShift[axis];
    }
  }
  return grid;
}

namespace {

bool isAnisotropic(const std::array<double, 3>& spacing, double threshold) {
  const auto [smallest, largest] = std::minmax_element(spacing.begin(), spacing.end());
  return *largest / *smallest > threshold;
}

/// The axis with the largest spacing, or -1 when two or three axes share it.
int coarsestAxis(const std::array<double, 3>& spacing) {
  const double largest = *std::max_element(spacing.begin(), spacing.end());
  int axis = -1;
  for (int candidate = 0; candidate < 3; ++candidate) {
    if (spacing[candidate] == largest) {
      if (axis >= 0) {
        return -1;
      }
      axis = candidate;
    }
  }
  return axis;
}

template <typename TImage>
typename TImage::Pointer resampleWith(const TImage& image, const ImageGeometry& grid,
                                      itk::InterpolateImageFunction<TImage, double>* interpolator,
                                      typename TImage::PixelType outsideValue) {
  using Filter = itk::ResampleImageFilter<TImage, TImage, double>;
  auto filter = Filter::New();
  filter->SetInput(&image);
  filter->SetInterpolator(interpolator);
  // The output grid, through the one ITK bridge: an image with the grid's geometry and no voxels.
  auto outputGrid = itk::ImageBase<3>::New();
  applyGeometry(grid, outputGrid);
  filter->SetOutputParametersFromImage(outputGrid);
  filter->SetDefaultPixelValue(outsideValue);
  filter->Update();
  typename TImage::Pointer output = filter->GetOutput();
  output->DisconnectPipeline();
  return output;
}

LabelImage::Pointer nearestLabels(const LabelImage& labels, const ImageGeometry& grid, LabelValue outsideLabel) {
  auto interpolator = itk::NearestNeighborInterpolateImageFunction<LabelImage, double>::New();
  return resampleWith<LabelImage>(labels, grid, interpolator, outsideLabel);
}

std::vector<LabelValue> labelsPresent(const LabelImage& labels) {
  std::vector<bool> seen(std::numeric_limits<LabelValue>::max() + 1, false);
  for (itk::ImageRegionConstIterator<LabelImage> it(&labels, labels.GetBufferedRegion()); !it.IsAtEnd(); ++it) {
    seen[it.Get()] = true;
  }
  std::vector<LabelValue> present;
  for (std::size_t value = 0; value < seen.size(); ++value) {
    if (seen[value]) {
      present.push_back(static_cast<LabelValue>(value));
    }
  }
  return present;
}

/// Each label's mask resampled linearly; the largest interpolated mask wins, ties to the lower label.
LabelImage::Pointer perLabelLinear(const LabelImage& labels, const ImageGeometry& grid, LabelValue outsideLabel) {
  const auto present = labelsPresent(labels);
  auto result = makeLabelImage(grid, outsideLabel);
  std::vector<float> best(grid.voxelCount(), 0.0f);  // outside the input every mask reads 0: never wins
  auto mask = FloatImage::New();
  mask->CopyInformation(&labels);
  mask->SetRegions(labels.GetBufferedRegion());
  mask->Allocate();
  const LabelValue* source = labels.GetBufferPointer();
  const std::size_t sourceCount = labels.GetBufferedRegion().GetNumberOfPixels();
  LabelValue* target = result->GetBufferPointer();
  for (LabelValue label : present) {
    float* maskValues = mask->GetBufferPointer();
    for (std::size_t index = 0; index < sourceCount; ++index) {
      maskValues[index] = source[index] == label ? 1.0f : 0.0f;
    }
    mask->Modified();
    auto interpolator = itk::LinearInterpolateImageFunction<FloatImage, double>::New();
    const auto resampled = resampleWith<FloatImage>(*mask, grid, interpolator, 0.0f);
    const float* values = resampled->GetBufferPointer();
    for (std::size_t index = 0; index < best.size(); ++index) {
      if (values[index] > best[index]) {
        best[index] = values[index];
        target[index] = label;
      }
    }
  }
  return result;
}

}  // namespace

int separateAxisFor(const std::array<double, 3>& sourceSpacing, const std::array<double, 3>& targetSpacing,
                    double anisotropyThreshold) {
  if (anisotropyThreshold <= 0) {
    return -1;
  }
  if (isAnisotropic(sourceSpacing, anisotropyThreshold)) {
    return coarsestAxis(sourceSpacing);
  }
  if (isAnisotropic(targetSpacing, anisotropyThreshold)) {
    return coarsestAxis(targetSpacing);
  }
  return -1;
}

FloatImage::Pointer resampleOntoGrid(const FloatImage& image, const ImageGeometry& grid, Interpolation interpolation,
                                     float outsideValue) {
  if (detail::canResampleAxisByAxis(image, grid)) {
    // Same answers as the ITK filter below, in three one-dimensional passes (7x faster for a cubic
    // B-spline onto the benchmark's 1.5 mm grid).
    return detail::resampleAxisByAxis(image, grid, interpolation, outsideValue);
  }
  switch (interpolation) {
    case Interpolation::Nearest: {
      auto interpolator = itk::NearestNeighborInterpolateImageFunction<FloatImage, double>::New();
      return resampleWith<FloatImage>(image, grid, interpolator, outsideValue);
    }
    case Interpolation::Linear: {
      auto interpolator = itk::LinearInterpolateImageFunction<FloatImage, double>::New();
      return resampleWith<FloatImage>(image, grid, interpolator, outsideValue);
    }
    case Interpolation::BSpline: {
      // Float coefficients: the coefficient image is as large as the input, double would double it.
      auto interpolator = itk::BSplineInterpolateImageFunction<FloatImage, double, float>::New();
      interpolator->SetSplineOrder(3);
      return resampleWith<FloatImage>(image, grid, interpolator, outsideValue);
    }
  }
  throw internalError("unknown interpolation");
}

LabelImage::Pointer resampleLabelsOntoGrid(const LabelImage& labels, const ImageGeometry& grid,
                                           LabelInterpolation interpolation, LabelValue outsideLabel) {
  if (interpolation == LabelInterpolation::PerLabelLinear) {
    return perLabelLinear(labels, grid, outsideLabel);
  }
  return nearestLabels(labels, grid, outsideLabel);
}

namespace {

/// `source` with the in-plane axes of `target` and `source`'s positions along `separateAxis`.
ImageGeometry inPlaneGrid(const ImageGeometry& source, const ImageGeometry& target, int separateAxis) {
  std::array<double, 3> spacing = target.spacing;
  spacing[separateAxis] = source.spacing[separateAxis];
  ImageGeometry grid = gridForSpacing(source, spacing);
  // Same size along the separate axis, so the positions there are the input's ones.
  grid.size[separateAxis] = source.size[separateAxis];
  return grid;
}

}  // namespace

FloatImage::Pointer resampleToSpacing(const FloatImage& image, const std::array<double, 3>& targetSpacing,
                                      const ResampleOptions& options) {
  const ImageGeometry source = geometryOf(image);
  const ImageGeometry target = gridForSpacing(source, targetSpacing);
  const int separateAxis = separateAxisFor(source.spacing, targetSpacing, options.anisotropyThreshold);
  const bool twoPasses = separateAxis >= 0 && options.interpolation != options.throughPlaneInterpolation;
  spdlog::debug("resample image {} -> {} ({}{})", source.describe(), target.describe(), toString(options.interpolation),
                twoPasses ? ", then " + toString(options.throughPlaneInterpolation) + " along axis " +
                                std::to_string(separateAxis)
                          : std::string());
  if (!twoPasses) {
    return resampleOntoGrid(image, target, options.interpolation);
  }
  const ImageGeometry inPlaneTarget = inPlaneGrid(source, target, separateAxis);
  auto inPlane = resampleOntoGrid(image, inPlaneTarget, options.interpolation);
  if (inPlaneTarget.sameGrid(target, 1e-6)) {
    return inPlane;  // the through-plane axis keeps its spacing (e.g. a 2D model): nothing left to do
  }
  return resampleOntoGrid(*inPlane, target, options.throughPlaneInterpolation);
}

LabelImage::Pointer resampleLabelsToSpacing(const LabelImage& labels, const std::array<double, 3>& targetSpacing,
                                            const ResampleOptions& options) {
  const ImageGeometry source = geometryOf(labels);
  const ImageGeometry target = gridForSpacing(source, targetSpacing);
  const int separateAxis = separateAxisFor(source.spacing, targetSpacing, options.anisotropyThreshold);
  // Nearest in-plane then nearest through-plane is nearest: one pass unless the labels are interpolated.
  const bool twoPasses = separateAxis >= 0 && options.labelInterpolation == LabelInterpolation::PerLabelLinear;
  spdlog::debug("resample labels {} -> {} ({}{})", source.describe(), target.describe(),
                options.labelInterpolation == LabelInterpolation::Nearest ? "nearest" : "per-label linear",
                twoPasses ? ", then nearest along axis " + std::to_string(separateAxis) : std::string());
  if (!twoPasses) {
    return resampleLabelsOntoGrid(labels, target, options.labelInterpolation);
  }
  const ImageGeometry inPlaneTarget = inPlaneGrid(source, target, separateAxis);
  auto inPlane = resampleLabelsOntoGrid(labels, inPlaneTarget, options.labelInterpolation);
  if (inPlaneTarget.sameGrid(target, 1e-6)) {
    return inPlane;
  }
  return resampleLabelsOntoGrid(*inPlane, target, LabelInterpolation::Nearest);
}

}  // namespace skipseg::preprocessing
