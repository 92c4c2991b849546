#pragma once
// Orientation codes, in the convention of 3D Slicer and nibabel: one letter per voxel axis naming
// the anatomical direction toward which the index increases. "RAS": i grows toward the patient's
// Right, j toward Anterior, k toward Superior. ITK's identity direction (LPS world) is "LPS".
// (ITK's own SpatialOrientation enums name the opposite ends: its "RAI" is our "LPS".)
#include "skipseg/core/VoxelBuffer.h"
#include "skipseg/io/ImageTypes.h"

#include <array>
#include <string>

namespace skipseg::io {

/// The code of a direction matrix (row-major, columns = axis directions in LPS). Oblique axes take
/// the closest code: each axis is matched to a distinct world axis, largest components first.
std::string orientationCode(const std::array<double, 9>& direction);
std::string orientationCode(const ImageGeometry& geometry);
std::string orientationCode(const itk::ImageBase<3>* image);

/// True for three letters taking one each from R/L, A/P, S/I (case-insensitive).
bool isOrientationCode(const std::string& code);

/// Permutes and flips the voxel axes so that the image's code becomes `code`; every voxel keeps its
/// world position (origin and direction change, spacing follows its axis). Throws a usage error for
/// an invalid code.
FloatImage::Pointer reorient(const FloatImage* image, const std::string& code);
LabelImage::Pointer reorient(const LabelImage* image, const std::string& code);

}  // namespace skipseg::io
