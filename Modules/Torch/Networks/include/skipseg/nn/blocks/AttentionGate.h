#pragma once
// The additive attention gate of Attention U-Net (Oktay et al. 2018) on a long skip: the encoder's
// features x at one level are rescaled, voxel by voxel, by coefficients computed from x and the
// coarser decoder features g (the gating signal, half the resolution):
//   alpha = sigmoid(psi(relu(W_x x + upsample(W_g g)))),  output = alpha * x,
// with W_x, W_g 1x1 convolutions to `intermediateChannels` and psi a 1x1 convolution to one channel.
// W_g g is computed at the coarse resolution and linearly resampled to x's size.
#include "skipseg/nn/blocks/Convolution.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

namespace skipseg::nn {

class AttentionGateImpl : public torch::nn::Module {
 public:
  AttentionGateImpl(int spatialDims, int64_t skipChannels, int64_t gatingChannels, int64_t intermediateChannels);
  /// `skip` [N, skipChannels, spatial...], `gating` [N, gatingChannels, coarser spatial...]: the gated skip.
  torch::Tensor forward(const torch::Tensor& skip, const torch::Tensor& gating);
  /// The coefficients alpha, [N, 1, skip's spatial...], each in [0, 1].
  torch::Tensor coefficients(const torch::Tensor& skip, const torch::Tensor& gating);

  Convolution skipProjection{nullptr};    ///< W_x (no bias: the sum has one, in gatingProjection)
  Convolution gatingProjection{nullptr};  ///< W_g
  Convolution psi{nullptr};               ///< to one channel, then the sigmoid
};
TORCH_MODULE(AttentionGate);

}  // namespace skipseg::nn
