#pragma once
// The ITK image types that preprocessing works on, and the bridge between an ITK image's grid and the
// plain skipseg::ImageGeometry that the Torch side sees. The aliases name the same types as the I/O
// module's (float voxels for images, unsigned short for label maps), so images pass between them freely.
#include <itkImage.h>

#include "skipseg/core/VoxelBuffer.h"

namespace skipseg::preprocessing {

using FloatImage = itk::Image<float, 3>;
using LabelImage = itk::Image<unsigned short, 3>;
using LabelValue = LabelImage::PixelType;

/// The grid of `image`'s largest possible region (size, spacing, origin, direction).
ImageGeometry geometryOf(const itk::ImageBase<3>& image);

/// A new image on `geometry` (region index 0), filled with `fill`.
FloatImage::Pointer makeFloatImage(const ImageGeometry& geometry, float fill = 0.0f);
LabelImage::Pointer makeLabelImage(const ImageGeometry& geometry, LabelValue fill = 0);

}  // namespace skipseg::preprocessing
