#pragma once
// From scan files to exactly what the network is fed: the channels read, then prepared by the one
// model-grid preprocessor that skipseg-train's cache uses too (SkipSegPreprocessing). Public so that
// tests can compare what inference feeds a network with what training cached.
#include "skipseg/core/ModelDescription.h"
#include "skipseg/core/StageTimer.h"
#include "skipseg/core/VoxelBuffer.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/ImageTypes.h"

#include <optional>
#include <string>
#include <vector>

namespace skipseg::segmentation {

struct ModelGridInput {
  ImageGeometry nativeGeometry;         ///< the scan as read: labels are written on this grid
  io::FloatImage::Pointer nativeImage;  ///< first channel as read, kept only for pictures (else null)
  ImageGeometry modelGrid;              ///< reoriented, cropped, resampled grid the network sees
  VoxelBuffer voxels;                   ///< normalised channels on modelGrid
  bool cropped = false;
  std::optional<io::DicomSourceIdentity> dicomSource;  ///< the first channel's instances, when it is DICOM
};

/// Reads every channel (timed as "read"), then prepares them for `model` (timed as "preprocess"):
/// reorient, crop to non-zero, normalise, resample. `interpolation` ("bspline", "linear", "nearest")
/// replaces the model's; empty or "model" keeps it. Channels must share one grid (BadInput naming
/// the odd file).
ModelGridInput prepareModelGridInput(const std::vector<std::string>& inputs, const io::ReadOptions& readOptions,
                                     const ModelDescription& model, const std::string& interpolation,
                                     bool keepNativeImage, StageTimer& timer);

}  // namespace skipseg::segmentation
