#pragma once
// The one preparation of a scan for a model, shared by skipseg-segment (the pipeline) and skipseg-train
// (its cache), so that a network sees at inference exactly what it saw in training. The model's
// description is the only contract; the order is nnU-Net v2's DefaultPreprocessor:
//   1. reorient to the model's orientation (nnU-Net's transpose_forward; none when it records none);
//   2. crop to the box where any channel is non-zero (when the model says crop_to_nonzero);
//   3. normalise each channel, statistics taken on the cropped image at its own resolution;
//   4. resample to the model's spacing with the model's interpolation (2D models keep the spacing
//      across slices). Labels, when given, take the same reorientation and crop and the label resampling.
// Normalising before resampling matters: resampled values (B-spline overshoot, masks that no longer
// fit) would otherwise enter the statistics and the clipping.
#include "skipseg/core/ModelDescription.h"
#include "skipseg/core/VoxelBuffer.h"
#include "skipseg/preprocessing/Cropping.h"
#include "skipseg/preprocessing/ImageTypes.h"
#include "skipseg/preprocessing/Resampling.h"

#include <string>
#include <vector>

namespace skipseg::preprocessing {

/// What was done to a case: enough to place the model's answer back on the scan, and for sidecars.
struct ModelGridRecord {
  ImageGeometry nativeGeometry;  ///< the channels as read: outputs are written on this grid
  std::string orientation;       ///< orientation code of the model grid
  CropRegion crop;               ///< the box kept, in the reoriented grid (whole when nothing was cut)
  ImageGeometry modelGrid;       ///< the grid the network sees
  Interpolation interpolation = Interpolation::BSpline;

  bool cropped() const { return !crop.coversWhole(); }
  Json toJson() const;
};

struct ModelGridCase {
  VoxelBuffer voxels;          ///< normalised channels on record.modelGrid
  LabelImage::Pointer labels;  ///< the labels on record.modelGrid, when labels were given (else null)
  ModelGridRecord record;
};

/// The interpolation a model records ("bspline" | "linear" | "nearest"); BadInput naming the model
/// otherwise.
Interpolation interpolationOf(const ModelDescription& model);

/// Prepares `channels` (the model's input channels as read, all on one grid) and optional `labels`
/// (on that grid too) for `model`. Channels are released one by one as they are consumed. Throws
/// BadInput when the channel count or grids disagree with each other or with the model.
ModelGridCase prepareForModel(std::vector<FloatImage::Pointer> channels, const ModelDescription& model,
                              LabelImage::Pointer labels = nullptr);

}  // namespace skipseg::preprocessing
