#pragma once
// Gradient-norm clipping that never waits for the device. LibTorch's torch::nn::utils::clip_grad_norm_
// returns the total norm as a double, so it copies it to the host at every step: on a GPU that stalls
// the host until the step has run, and the next batch cannot be queued meanwhile (PyTorch's Python
// version returns a tensor and does not wait). The arithmetic is LibTorch's, op for op.
#include <ATen/ATen.h>

#include <vector>

namespace skipseg::training {

/// Scales the gradients of `parameters` so that their joint 2-norm is at most `maxNorm`: every gradient
/// times min(1, maxNorm / (norm + 1e-6)), as clip_grad_norm_(parameters, maxNorm). Returns the norm
/// before clipping as a 0-dimensional tensor on the gradients' device (undefined without gradients).
at::Tensor clipGradientNorm(const std::vector<at::Tensor>& parameters, double maxNorm);

}  // namespace skipseg::training
