#pragma once
// Data augmentation on tensors, applied on the fly to each training patch. Spatial transforms move
// image and label together (the image with linear, the label with nearest-neighbour interpolation), so
// they stay aligned; intensity transforms touch the image only. Every random choice comes from the
// caller's generator: the same seed gives the same patch.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <random>
#include <vector>

namespace skipseg::training {

/// Probabilities and ranges, per sample. Defaults follow nnU-Net's, which are known to work on CT and MR.
struct AugmentationOptions {
  double rotationProbability = 0.2;
  double maxRotationDegrees = 30.0;  ///< about every axis (3D) or the one in-plane axis (2D)
  double scalingProbability = 0.2;
  double minScale = 0.7, maxScale = 1.4;
  double mirrorProbability = 0.5;  ///< per spatial axis listed in mirrorAxes
  /// Spatial tensor axes that may be flipped. Leave out an axis whose sides have their own labels
  /// (left/right structures): flipping it would teach the network to confuse them.
  std::vector<std::int64_t> mirrorAxes{0, 1, 2};
  double noiseProbability = 0.1;
  double maxNoiseVariance = 0.1;
  double blurProbability = 0.2;
  double minBlurSigma = 0.5, maxBlurSigma = 1.0;  ///< voxels
  double brightnessProbability = 0.15;
  double minBrightness = 0.75, maxBrightness = 1.25;
  double contrastProbability = 0.15;
  double minContrast = 0.75, maxContrast = 1.25;
  double lowResolutionProbability = 0.25;
  double minLowResolutionZoom = 0.5;  ///< down-sampling factor before up-sampling back
  double gammaProbability = 0.3;
  double minGamma = 0.7, maxGamma = 1.5;

  /// Only the spatial transforms, always applied (for tests of alignment).
  static AugmentationOptions spatialOnly();
  /// Nothing (validation patches).
  static AugmentationOptions none();
};

/// Augments one sample in place: `image` [C, spatial...] float, `label` [spatial...] uint8 class indices.
void augmentSample(at::Tensor& image, at::Tensor& label, std::mt19937_64& generator,
                   const AugmentationOptions& options);

/// A uniform draw in [low, high) from `generator`, the same on every platform (std::uniform_real_distribution
/// is not: its algorithm is left to the standard library).
double uniform(std::mt19937_64& generator, double low, double high);

}  // namespace skipseg::training
