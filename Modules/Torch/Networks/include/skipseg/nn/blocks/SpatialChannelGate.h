#pragma once
// Concurrent spatial and channel squeeze-and-excitation (Roy et al. 2018, "scSE"): the channel gate
// of SqueezeExcitation plus a spatial gate (1x1 convolution to one map, sigmoid); the two rescaled
// feature maps are added. The spatial gate lets the block emphasise where, not only what.
#include "skipseg/nn/blocks/Convolution.h"
#include "skipseg/nn/blocks/SqueezeExcitation.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace skipseg::nn {

class SpatialChannelGateImpl : public torch::nn::Module {
 public:
  SpatialChannelGateImpl(int spatialDims, int64_t channels, int64_t reduction);
  torch::Tensor forward(const torch::Tensor& input);

 private:
  SqueezeExcitation channel{nullptr};
  Convolution spatial{nullptr};
};
TORCH_MODULE(SpatialChannelGate);

}  // namespace skipseg::nn
