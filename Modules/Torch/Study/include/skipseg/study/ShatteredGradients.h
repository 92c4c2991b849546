#pragma once
// Shattered gradients (Balduzzi et al., "The shattered gradients problem", ICML 2017): move the input
// along a line, x(t) = patch + t * direction, take the gradient of one output unit with respect to the
// input at every t, and measure how alike the gradients at nearby t are. In deep plain networks at
// initialisation they decorrelate quickly with depth (white noise: useless for learning); residual
// networks keep them correlated much longer.
#include "skipseg/core/JsonFile.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace skipseg::study {

using TensorFunction = std::function<at::Tensor(const at::Tensor&)>;

/// Gradients of output unit (channel 0, centre voxel) of `network` with respect to its input, for the
/// inputs patch + t * direction, t = `points` values evenly spaced in [-extent, extent].
/// `patch` and `direction` are [C, spatial...]; the result is [points, C * voxels] (float32, CPU).
/// The points go through the network as one batch: `network` must treat samples independently
/// (instance or group normalisation, or eval mode).
at::Tensor gradientsAlongLine(const TensorFunction& network, const at::Tensor& patch, const at::Tensor& direction,
                              int points, double extent);

/// The autocorrelation of a gradient signal [points, D]: r(lag) = mean over t of the cosine of the
/// angle between the gradients at t and t + lag, for lag = 0..maxLag. r(0) = 1; a network that is
/// linear in its input has one gradient everywhere, so r = 1 at every lag; white-noise gradients have
/// r near 0 for lag >= 1.
std::vector<double> gradientAutocorrelation(const at::Tensor& gradients, int maxLag);

struct ShatteringOptions {
  std::vector<int> depths{2, 4, 8, 16, 32};  ///< convolutions on the longest path (even: residual blocks hold two)
  int width = 16;                            ///< feature channels of every layer
  int spatialDims = 2;
  int patchSize = 32;   ///< the patch's edge, voxels
  int points = 128;     ///< inputs along the line
  double extent = 1.0;  ///< t in [-extent, extent]; the direction has unit standard deviation per voxel
  int maxLag = 32;
  std::string norm = "instance";
  std::uint64_t seed = 0;
};

struct ShatteringCurve {
  std::string kind;  ///< "plain" or "residual"
  int depth = 0;
  std::vector<double> autocorrelation;  ///< lag 0..maxLag
  /// Balduzzi et al.'s summary: the lag-1 correlation (how alike the gradients of neighbouring inputs are).
  double lagOne() const { return autocorrelation.size() > 1 ? autocorrelation[1] : 1.0; }
};

/// For each depth, a plain network (`depth` ConvNormAct units) and a residual one (`depth` / 2 residual
/// blocks of two units), both a 1-channel stem unit, the units at `width` channels and a 1x1 head,
/// initialised as SkipSeg initialises every network (He-normal, seeded); the gradient autocorrelation
/// along one line through a seeded random patch, the same line for every network.
std::vector<ShatteringCurve> shatteredGradients(const ShatteringOptions& options);

Json shatteringJson(const std::vector<ShatteringCurve>& curves, const ShatteringOptions& options);

}  // namespace skipseg::study
