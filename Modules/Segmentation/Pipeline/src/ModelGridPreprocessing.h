#pragma once
// Internal: from scan files to the normalised tensor-ready buffer in the model's grid.
#include "skipseg/core/ModelDescription.h"
#include "skipseg/core/StageTimer.h"
#include "skipseg/core/VoxelBuffer.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/ImageTypes.h"
#include "skipseg/preprocessing/Resampling.h"

#include <string>
#include <vector>

namespace skipseg::segmentation {

struct ModelGridInput {
  ImageGeometry nativeGeometry;         ///< the scan as read: labels are written on this grid
  io::FloatImage::Pointer nativeImage;  ///< first channel as read, kept only for pictures (else null)
  ImageGeometry modelGrid;              ///< reoriented, cropped, resampled grid the network sees
  VoxelBuffer voxels;                   ///< normalised channels on modelGrid
  bool cropped = false;
};

/// Reads every channel (timed as "read"), then reorients, crops, resamples and normalises them
/// (timed as "preprocess"). Channels must share one grid (BadInput naming the odd file).
ModelGridInput prepareModelGridInput(const std::vector<std::string>& inputs, const io::ReadOptions& readOptions,
                                     const ModelDescription& model, preprocessing::Interpolation interpolation,
                                     bool keepNativeImage, StageTimer& timer);

}  // namespace skipseg::segmentation
