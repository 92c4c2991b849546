#pragma once
// The map from an ITK image's voxel indices to world coordinates: p = origin + D * diag(spacing) * index
// (LPS millimetres, direction D included). VTK's image filters ignore the direction of vtkImageData,
// so SkipSeg extracts surfaces in index space and moves their points with this full map.
#include <itkImageBase.h>

#include <array>

namespace skipseg::render {

/// Row-major 4x4 affine matrix of index -> LPS world.
using Affine = std::array<double, 16>;

Affine indexToWorld(const itk::ImageBase<3>& image);
/// The inverse (world -> continuous index); the 3x3 part is inverted in general form.
Affine worldToIndex(const itk::ImageBase<3>& image);
std::array<double, 3> transformPoint(const Affine& affine, const std::array<double, 3>& point);
/// Determinant of the 3x3 part (negative: the map mirrors, and surface orientation flips).
double linearDeterminant(const Affine& affine);

}  // namespace skipseg::render
