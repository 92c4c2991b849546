#pragma once
// Resampling between two grids that share their direction (a change of spacing, size or origin, the
// common case on the way to a model's grid), done axis by axis: three one-dimensional passes with 1, 2
// or 4 taps instead of ITK's per-voxel evaluation of 1, 8 or 64 neighbours. It reproduces ITK's
// ResampleImageFilter with the same interpolator (nearest: round half up; linear: ITK's clamping at
// the last voxel; cubic B-spline: ITK's coefficients, weights and mirror boundary), including which
// voxels lie outside the input (continuous index outside [-0.5, size - 0.5) on any axis) and get
// `outsideValue`. The sums differ from ITK's by float rounding only (test against ITK).
#include "skipseg/preprocessing/ImageTypes.h"
#include "skipseg/preprocessing/Resampling.h"

namespace skipseg::preprocessing::detail {

/// True when `grid` and `image` share their direction (to 1e-9) and the image's buffer starts at index 0.
bool canResampleAxisByAxis(const FloatImage& image, const ImageGeometry& grid);

FloatImage::Pointer resampleAxisByAxis(const FloatImage& image, const ImageGeometry& grid, Interpolation interpolation,
                                       float outsideValue);

}  // namespace skipseg::preprocessing::detail
