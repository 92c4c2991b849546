#include "skipseg/nn/blocks/NestedDecoderNode.h"

#include "skipseg/core/Error.h"

#include <ATen/ATen.h>

namespace skipseg::nn {

NestedDecoderNodeImpl::NestedDecoderNodeImpl(const StageSettings& settings, int64_t column, int64_t channels,
                                             int64_t lowerChannels, const std::string& upsampling,
                                             int64_t firstBlockIndex, int64_t totalBlocks)
    : column_(column) {
  up = register_module("up", Upsampling(settings.block.spatialDims, lowerChannels, channels, upsampling));
  stage = register_module(
      "stage", ConvolutionStage(settings, (column + 1) * channels, channels, 1, firstBlockIndex, totalBlocks));
}

torch::Tensor NestedDecoderNodeImpl::forward(const std::vector<torch::Tensor>& sameLevel, const torch::Tensor& lower) {
  if (static_cast<int64_t>(sameLevel.size()) != column_) {
    throw internalError("NestedDecoderNode: expected " + std::to_string(column_) + " same-level inputs");
  }
  std::vector<torch::Tensor> inputs = sameLevel;
  inputs.push_back(up->forward(lower, spatialSize(sameLevel.front())));
  return stage->forward(at::cat(inputs, 1));
}

}  // namespace skipseg::nn
