#include "skipseg/nn/blocks/SqueezeExcitation.h"

#include <ATen/ATen.h>

#include <algorithm>

namespace skipseg::nn {

SqueezeExcitationImpl::SqueezeExcitationImpl(int spatialDims, int64_t channels, int64_t reduction) {
  const int64_t hidden = std::max<int64_t>(1, channels / reduction);
  ConvolutionOptions options;
  options.spatialDims = spatialDims;
  options.kernelSize = std::vector<int64_t>(spatialDims, 1);
  options.inChannels = channels;
  options.outChannels = hidden;
  squeeze = register_module("squeeze", Convolution(options));
  options.inChannels = hidden;
  options.outChannels = channels;
  excite = register_module("excite", Convolution(options));
}

torch::Tensor SqueezeExcitationImpl::channelWeights(const torch::Tensor& input) {
  std::vector<int64_t> spatialAxes;
  for (int64_t axis = 2; axis < input.dim(); ++axis) {
    spatialAxes.push_back(axis);
  }
  auto pooled = input.mean(spatialAxes, /*keepdim=*/true);
  return at::sigmoid(excite->forward(at::relu(squeeze->forward(pooled))));
}

torch::Tensor SqueezeExcitationImpl::forward(const torch::Tensor& input) {
  return input * channelWeights(input);
}

}  // namespace skipseg::nn
