#pragma once
// Resampling images and label maps to a model's spacing, or onto any grid, without moving them in the
// patient: the output always covers the input's field of view with the input's direction.
//
// Resampling to a spacing follows nnU-Net: the new size is round(size * spacing / targetSpacing) per
// axis, and the voxels of the new grid tile exactly the input's field of view (the outer faces of the
// first and last voxels stay put). The actual output spacing is therefore extent / newSize, which differs
// from the target by less than half a voxel over the whole extent; the origin (the first voxel centre)
// moves by half the change in spacing along each axis.
//
// Strongly anisotropic data (largest spacing > anisotropyThreshold x smallest, nnU-Net's rule, judged
// on the input spacing first, then on the target spacing) is resampled in two passes: in-plane with
// `interpolation` while keeping the through-plane positions, then through-plane with
// `throughPlaneInterpolation` (nearest by default, as nnU-Net does, so thick slices do not smear).
// When two axes share the largest spacing there is no single through-plane axis and one pass is used.
#include <array>
#include <string>

#include "skipseg/preprocessing/ImageTypes.h"

namespace skipseg::preprocessing {

enum class Interpolation {
  Nearest,
  Linear,
  BSpline,  ///< cubic B-spline (order 3); may overshoot at edges, like nnU-Net's order-3 resampling
};

/// How label maps are resampled.
enum class LabelInterpolation {
  Nearest,         ///< the label of the nearest input voxel (default: exact, fast)
  PerLabelLinear,  ///< each label's mask interpolated linearly, the largest wins (ties: lowest label);
                   ///< smoother boundaries when upsampling, one pass per label present
};

/// "nearest" | "linear" | "bspline"; throws a usage error naming `optionName` otherwise.
Interpolation parseInterpolation(const std::string& text, const std::string& optionName);
std::string toString(Interpolation interpolation);

struct ResampleOptions {
  Interpolation interpolation = Interpolation::BSpline;              ///< images, in-plane (or all axes)
  Interpolation throughPlaneInterpolation = Interpolation::Nearest;  ///< images, anisotropic second pass
  LabelInterpolation labelInterpolation = LabelInterpolation::Nearest;
  double anisotropyThreshold = 3.0;  ///< nnU-Net's value; <= 0 disables the two-pass path
};

/// The grid that `resampleToSpacing` produces from `source` for `targetSpacing` (mm along i, j, k).
ImageGeometry gridForSpacing(const ImageGeometry& source, const std::array<double, 3>& targetSpacing);

/// The axis (0, 1, 2) resampled on its own for this input/target pair, or -1 for a single pass.
int separateAxisFor(const std::array<double, 3>& sourceSpacing, const std::array<double, 3>& targetSpacing,
                    double anisotropyThreshold);

FloatImage::Pointer resampleToSpacing(const FloatImage& image, const std::array<double, 3>& targetSpacing,
                                      const ResampleOptions& options = {});
LabelImage::Pointer resampleLabelsToSpacing(const LabelImage& labels, const std::array<double, 3>& targetSpacing,
                                            const ResampleOptions& options = {});

/// `image` sampled at the voxel centres of `grid` (any size, spacing, origin, direction);
/// voxels of `grid` outside the input's field of view get `outsideValue`.
FloatImage::Pointer resampleOntoGrid(const FloatImage& image, const ImageGeometry& grid, Interpolation interpolation,
                                     float outsideValue = 0.0f);
LabelImage::Pointer resampleLabelsOntoGrid(const LabelImage& labels, const ImageGeometry& grid,
                                           LabelInterpolation interpolation = LabelInterpolation::Nearest,
                                           LabelValue outsideLabel = 0);

}  // namespace skipseg::preprocessing
