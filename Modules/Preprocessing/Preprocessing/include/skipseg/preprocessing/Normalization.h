#pragma once
// Intensity normalisation before the network, as the model's skipseg::NormalizationSpec says:
//   none    values as stored;
//   zscore  (x - mean) / max(std, 1e-8) with the image's own mean and (population) standard deviation;
//           with nonZeroRegionOnly the statistics come from voxels != 0 only and voxels == 0 stay 0
//           (nnU-Net's use_mask_for_norm, for skull-stripped MR);
//   ct      clip to [clipLow, clipHigh], then (x - mean) / max(std, 1e-8) with the dataset's statistics
//           from the spec (nnU-Net's CTNormalization);
//   scale   (x - aMin) / (aMax - aMin) * (bMax - bMin) + bMin, then clipped to [bMin, bMax] when
//           `clip` is set (MONAI's ScaleIntensityRange).
// Statistics are accumulated in double; the image is changed in place.
#include "skipseg/core/ModelDescription.h"
#include "skipseg/preprocessing/ImageTypes.h"

namespace skipseg::preprocessing {

void normalizeIntensities(FloatImage& image, const NormalizationSpec& spec);

/// The same on a plain buffer (one channel of a VoxelBuffer, for example).
void normalizeIntensities(float* values, std::size_t count, const NormalizationSpec& spec);

}  // namespace skipseg::preprocessing
