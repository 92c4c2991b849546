#pragma once
// The loss on a plane through trained weights (Li et al., "Visualizing the loss landscape of neural
// nets", NeurIPS 2018): L(theta + a * d1 + b * d2) on a grid of (a, b), where d1 and d2 are random
// Gaussian directions normalised filter by filter, so that each filter of a direction has the norm of
// the same filter of the weights. Without that normalisation the picture would depend on the scale of
// the weights (which normalisation layers make arbitrary), not on the shape of the landscape.
#include "skipseg/core/JsonFile.h"

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace skipseg::study {

/// A random direction shaped like `weights`, seeded. Every weight with two or more axes is cut into
/// filters along its first axis (a convolution's output channels; a transposed convolution's input
/// channels, as Li et al. do); each filter of the direction is a standard normal draw rescaled to the
/// weight filter's Euclidean norm. One-axis parameters (biases, normalisation scales and shifts) get a
/// zero direction (Li et al.'s "ignore biasbn"), so the plane keeps them at their trained values.
std::vector<at::Tensor> filterNormalizedDirection(const std::vector<at::Tensor>& weights, std::uint64_t seed);

struct PlaneOptions {
  int resolution = 21;     ///< grid points per axis (odd: the trained weights are the centre)
  double extent = 1.0;     ///< a and b run over [-extent, extent]
  std::uint64_t seed = 0;  ///< d1 from seed, d2 from seed + 1
};

struct LossPlane {
  std::vector<double> coordinates;        ///< the values of a (and of b), ascending
  std::vector<std::vector<double>> loss;  ///< loss[i][j] at a = coordinates[i], b = coordinates[j]
  double centreLoss = 0;                  ///< at the trained weights
  Json toJson() const;
};

/// Evaluates `loss` (which runs the network on a fixed batch) at every grid point, moving the
/// network's parameters in place; they are restored bit for bit afterwards, also when `loss` throws.
LossPlane lossPlane(torch::nn::Module& network, const std::function<double()>& loss, const PlaneOptions& options);

}  // namespace skipseg::study
