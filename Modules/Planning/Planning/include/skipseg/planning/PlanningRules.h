#pragma once
// The rules that turn a dataset fingerprint into training plans: target spacing, patch size, network
// topology, batch size, normalisation and the cross-validation split. Pure computations on numbers:
// no ITK, no Torch, no files, so every rule is unit-tested on synthetic fingerprints.
//
// Axis conventions: spacings and sizes of images are in image axis order (x, y, z = i, j, k);
// patch sizes, pooling and kernel sizes are in tensor order (z, y, x), the order of a VoxelBuffer
// read as a C array. `toTensorOrder` converts.
#include "skipseg/core/ModelDescription.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace skipseg::planning {

/// Intensity statistics of one input channel inside the foreground (label > 0), from sampled voxels.
struct ChannelIntensityStatistics {
  double mean = 0, std = 1, percentile00_5 = 0, percentile99_5 = 0, minimum = 0, maximum = 0;
};

/// What planning needs to know about a dataset (computed by computeFingerprint from the images).
struct DatasetFingerprint {
  std::vector<std::array<double, 3>> spacings;           ///< per case, mm, x y z
  std::vector<std::array<std::size_t, 3>> croppedSizes;  ///< per case, voxels after crop to non-zero, x y z
  std::vector<double> croppedVolumeFractions;            ///< per case: cropped voxels / all voxels
  std::vector<std::string> channelNames;                 ///< dataset.json channel_names, in order
  std::vector<ChannelIntensityStatistics> intensities;   ///< per channel
};

/// Median spacing per axis, except along a strongly anisotropic axis (spacing > 3x the others and the
/// size along it < 1/3 of theirs): there the 10th percentile of that axis' spacings is used (but never
/// finer than the coarsest other axis), so thick-slice cases are not upsampled into many fake slices.
std::array<double, 3> targetSpacing(const std::vector<std::array<double, 3>>& spacings,
                                    const std::vector<std::array<std::size_t, 3>>& sizes);

/// Size of a case (x y z) after resampling from `spacing` to `target`.
std::array<std::size_t, 3> resampledSize(const std::array<std::size_t, 3>& size, const std::array<double, 3>& spacing,
                                         const std::array<double, 3>& target);

/// Median of the resampled sizes (x y z).
std::array<std::size_t, 3> medianResampledSize(const DatasetFingerprint& fingerprint,
                                               const std::array<double, 3>& target);

/// Encoder topology for `dims` spatial axes (tensor order): per stage the pooling factor (1 or 2) and the
/// convolution kernel (1 or 3) of every axis. Stage 0 has no pooling.
struct NetworkTopology {
  std::vector<std::vector<int>> poolKernels;  ///< per stage, per axis; poolKernels[0] is all 1
  std::vector<std::vector<int>> convKernels;  ///< per stage, per axis
  std::vector<int> patchSize;                 ///< per axis, divisible by the product of its poolings
  int stageCount() const { return static_cast<int>(poolKernels.size()); }
  /// Product of the pooling factors of `axis` over all stages.
  int totalPooling(std::size_t axis) const;
};

/// Pools an axis while its feature map stays >= 2 * minFeatureSize and its spacing is at most twice the
/// finest current spacing (anisotropic axes wait until the others caught up); an axis gets kernel 3 once
/// its spacing is within twice the finest, else kernel 1. Rounds the patch up to a multiple of the pooling.
/// `spacing` and `patch` are in tensor order.
NetworkTopology planTopology(const std::vector<double>& spacing, const std::vector<int>& patch, int minFeatureSize = 4,
                             int maxStages = 6);

/// Bytes of activation memory one sample of `patch` needs in training (forward + backward, float32),
/// for a U-Net with `baseFeatures` doubling per stage up to `maxFeatures`.
double estimateTrainingBytesPerSample(const NetworkTopology& topology, int inChannels, int classCount, int baseFeatures,
                                      int maxFeatures);

struct PatchPlanInput {
  std::vector<double> spacing;  ///< target spacing, tensor order
  std::vector<int> medianSize;  ///< median resampled size, tensor order
  int inChannels = 1;
  int classCount = 2;              ///< including background
  double memoryBudgetBytes = 8e9;  ///< for activations of one batch
  int baseFeatures = 32;
  int maxFeatures = 320;
  int minBatchSize = 2;
  int maxBatchSize = 64;
  std::size_t datasetVoxels = 0;  ///< all resampled voxels: a batch never covers more than 5% of them
  int minFeatureSize = 4;
};

struct PatchPlan {
  NetworkTopology topology;
  int batchSize = 2;
};

/// Starts from a patch with the physical aspect of the spacing (isotropic in mm) covering the median case,
/// shrinks the axis that is largest relative to the median case until a batch of minBatchSize fits the
/// budget, then fills the budget with the batch size.
PatchPlan planPatchAndBatch(const PatchPlanInput& input);

/// CT channels (name "CT", any case) get the CT scheme with the dataset's foreground statistics;
/// other channels z-score per image, over the non-zero region when cropping removed >= 25% of the
/// median case (e.g. skull-stripped MR), so the background does not dilute the statistics.
std::vector<NormalizationSpec> planNormalization(const DatasetFingerprint& fingerprint);

/// K folds over the case identifiers after a seeded shuffle; fold k validates on every K-th case.
struct Fold {
  std::vector<std::string> training;
  std::vector<std::string> validation;
};
std::vector<Fold> splitFolds(std::vector<std::string> caseIds, int foldCount, std::uint64_t seed);

/// Reverses x y z into z y x (and back).
template <typename T>
std::vector<T> toTensorOrder(const std::array<T, 3>& xyz) {
  return {xyz[2], xyz[1], xyz[0]};
}

/// Median of values (the lower middle of an even count averaged with the upper: the usual median).
double median(std::vector<double> values);
/// Linear-interpolated percentile (0..100) of values.
double percentile(std::vector<double> values, double percent);

}  // namespace skipseg::planning
