#pragma once
// Cropping to the region that holds the body (voxels != 0, or > a threshold), remembering where the
// crop lies in the original grid, and pasting results back into a full-size volume. A cropped image
// keeps its place in the patient: its origin is the original grid's position of its first voxel.
#include <array>
#include <cstddef>
#include <optional>

#include "skipseg/preprocessing/ImageTypes.h"

namespace skipseg::preprocessing {

/// A box of voxels of `original`: index of its first voxel and its size, per axis.
struct CropRegion {
  ImageGeometry original;
  std::array<std::size_t, 3> index{{0, 0, 0}};
  std::array<std::size_t, 3> size{{0, 0, 0}};

  /// The whole of `grid`.
  static CropRegion whole(const ImageGeometry& grid);
  bool coversWhole() const;
  /// The grid of the cropped volume (same spacing and direction, origin at the first voxel's centre).
  ImageGeometry croppedGeometry() const;
};

struct NonZeroOptions {
  std::optional<float> threshold;  ///< keep voxels > threshold; empty: voxels != 0 (nnU-Net's rule)
  std::size_t marginVoxels = 0;    ///< grow the box by this many voxels per side, within the image
};

/// The smallest box holding every kept voxel (plus the margin). When no voxel is kept the box is the
/// whole image: nothing is known to be outside the body, so nothing is cut.
CropRegion nonZeroRegion(const FloatImage& image, const NonZeroOptions& options = {});

/// The smallest box holding both (same original grid), e.g. over the channels of a multi-channel input.
CropRegion unionOf(const CropRegion& first, const CropRegion& second);

FloatImage::Pointer crop(const FloatImage& image, const CropRegion& region);
LabelImage::Pointer crop(const LabelImage& labels, const CropRegion& region);

/// A volume on `region.original` filled with `background`, with `cropped` pasted at the region.
/// `cropped` must lie on region.croppedGeometry() (else an internal error).
FloatImage::Pointer uncrop(const FloatImage& cropped, const CropRegion& region, float background = 0.0f);
LabelImage::Pointer uncrop(const LabelImage& cropped, const CropRegion& region, LabelValue background = 0);

}  // namespace skipseg::preprocessing
