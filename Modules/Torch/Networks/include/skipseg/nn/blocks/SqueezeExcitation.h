#pragma once
// Channel attention (Hu et al. 2018, squeeze-and-excitation): global average pool, two 1x1
// convolutions with a bottleneck of channels/reduction, sigmoid, and a per-channel rescaling.
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "skipseg/nn/blocks/Convolution.h"

namespace skipseg::nn {

class SqueezeExcitationImpl : public torch::nn::Module {
 public:
  SqueezeExcitationImpl(int spatialDims, int64_t channels, int64_t reduction);
  torch::Tensor forward(const torch::Tensor& input);
  /// The sigmoid channel weights [N, C, 1, ...] for `input`.
  torch::Tensor channelWeights(const torch::Tensor& input);

 private:
  Convolution squeeze{nullptr};
  Convolution excite{nullptr};
};
TORCH_MODULE(SqueezeExcitation);

}  // namespace skipseg::nn
