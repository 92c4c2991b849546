#include "skipseg/nn/blocks/SpatialChannelGate.h"

#include <ATen/ATen.h>

namespace skipseg::nn {

SpatialChannelGateImpl::SpatialChannelGateImpl(int spatialDims, int64_t channels, int64_t reduction) {
  channel = register_module("channel", SqueezeExcitation(spatialDims, channels, reduction));
  ConvolutionOptions options;
  options.spatialDims = spatialDims;
  options.kernelSize = std::vector<int64_t>(spatialDims, 1);
  options.inChannels = channels;
  options.outChannels = 1;
  spatial = register_module("spatial", Convolution(options));
}

torch::Tensor SpatialChannelGateImpl::forward(const torch::Tensor& input) {
  return input * channel->channelWeights(input) + input * at::sigmoid(spatial->forward(input));
}

}  // namespace skipseg::nn
