#pragma once
// Batch, instance or group normalisation over channels of a 2D or 3D feature map, the kind chosen at
// run time. Names follow PyTorch (weight, bias, running_mean, running_var, num_batches_tracked).
// Instance normalisation is affine without running statistics (as nnU-Net uses it).
#include "skipseg/nn/blocks/BlockSettings.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace skipseg::nn {

class NormalizationImpl : public torch::nn::Module {
 public:
  /// kind None is the identity. Group normalisation needs `groups` to divide `channels`.
  NormalizationImpl(NormKind kind, int64_t channels, int64_t groups = 8, double eps = 1e-5, double momentum = 0.1);
  torch::Tensor forward(const torch::Tensor& input);
  NormKind kind() const { return kind_; }

  torch::Tensor weight, bias, runningMean, runningVar, batchesTracked;

 private:
  NormKind kind_;
  int64_t groups_;
  double eps_;
  double momentum_;
};
TORCH_MODULE(Normalization);

}  // namespace skipseg::nn
