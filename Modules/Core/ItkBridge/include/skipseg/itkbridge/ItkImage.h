#pragma once
// The two ITK image types of SkipSeg's ITK side, defined once: intensities as float (Hounsfield units,
// SUV, MR signal) and label maps as unsigned short (enough for TotalSegmentator's 117 classes and more).
// Geometry is ITK's: LPS millimetres. Also the one crossing between an ITK image's grid and the plain
// skipseg::ImageGeometry that the Torch side sees. The modules' own headers (skipseg/io/ImageTypes.h,
// skipseg/preprocessing/ImageTypes.h, ...) re-export these names into their namespaces.
#include "skipseg/core/VoxelBuffer.h"

#include <itkImage.h>

namespace skipseg {

using FloatImage = itk::Image<float, 3>;
using LabelImage = itk::Image<unsigned short, 3>;
using LabelValue = LabelImage::PixelType;

/// Size, spacing, direction and the origin of the first voxel of the largest possible region (an image
/// whose region does not start at index 0 gets the origin of that region's first voxel).
ImageGeometry geometryOf(const itk::ImageBase<3>& image);
inline ImageGeometry geometryOf(const itk::ImageBase<3>* image) {
  return geometryOf(*image);
}

/// Gives an ITK image the geometry (size, spacing, origin, direction; region index 0), without allocating.
void applyGeometry(const ImageGeometry& geometry, itk::ImageBase<3>* image);

/// A new image on `geometry` (region index 0), filled with `fill`.
FloatImage::Pointer makeFloatImage(const ImageGeometry& geometry, float fill = 0.0f);
LabelImage::Pointer makeLabelImage(const ImageGeometry& geometry, LabelValue fill = 0);

}  // namespace skipseg
