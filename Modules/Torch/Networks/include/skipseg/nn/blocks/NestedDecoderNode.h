#pragma once
// A node X[i][j] (j >= 1) of UNet++ (Zhou et al. 2018): upsamples X[i+1][j-1], concatenates it with
// every earlier node of its level X[i][0..j-1] (dense skip connections) and applies a convolution
// stage. The dense skips let the decoder see features at every semantic depth of the level.
#include "skipseg/nn/blocks/ConvolutionStage.h"
#include "skipseg/nn/blocks/Upsampling.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <vector>

namespace skipseg::nn {

class NestedDecoderNodeImpl : public torch::nn::Module {
 public:
  /// `column` = j: the node concatenates j same-level inputs of `channels` each and the upsampled lower node.
  NestedDecoderNodeImpl(const StageSettings& settings, int64_t column, int64_t channels, int64_t lowerChannels,
                        const std::string& upsampling, int64_t firstBlockIndex, int64_t totalBlocks);
  torch::Tensor forward(const std::vector<torch::Tensor>& sameLevel, const torch::Tensor& lower);

 private:
  int64_t column_;
  Upsampling up{nullptr};
  ConvolutionStage stage{nullptr};
};
TORCH_MODULE(NestedDecoderNode);

}  // namespace skipseg::nn
