#pragma once
// Reference and prediction must describe the same voxels before they can be compared voxel by voxel.
#include "skipseg/evaluation/LabelImage.h"

#include <string>

namespace skipseg::evaluation {

/// True when both images have the same size, and spacing, origin and direction agree within
/// `tolerance` (mm for spacing and origin, unitless for direction cosines).
bool sameGrid(const itk::ImageBase<3>& a, const itk::ImageBase<3>& b, double tolerance = 1e-4);

/// "122x101x112 voxels, spacing 3x3x3 mm, origin (x, y, z)" for error messages and logs.
std::string describeGrid(const itk::ImageBase<3>& image);

/// Resamples `labels` onto `grid`'s voxels with nearest-neighbour interpolation (labels are never
/// blended); voxels outside the source become background 0.
LabelImage::Pointer resampleLabelsOnto(const LabelImage& labels, const itk::ImageBase<3>& grid);

}  // namespace skipseg::evaluation
