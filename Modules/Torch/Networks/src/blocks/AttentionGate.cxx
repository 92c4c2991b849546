#include "skipseg/nn/blocks/AttentionGate.h"

#include "skipseg/nn/blocks/Upsampling.h"

#include <ATen/ATen.h>

namespace skipseg::nn {

namespace {

Convolution pointwise(int spatialDims, int64_t in, int64_t out, bool bias) {
  ConvolutionOptions options;
  options.spatialDims = spatialDims;
  options.inChannels = in;
  options.outChannels = out;
  options.kernelSize = std::vector<int64_t>(spatialDims, 1);
  options.bias = bias;
  return Convolution(options);
}

}  // namespace

AttentionGateImpl::AttentionGateImpl(int spatialDims, int64_t skipChannels, int64_t gatingChannels,
                                     int64_t intermediateChannels) {
  skipProjection =
      register_module("skip_projection", pointwise(spatialDims, skipChannels, intermediateChannels, false));
  gatingProjection =
      register_module("gating_projection", pointwise(spatialDims, gatingChannels, intermediateChannels, true));
  psi = register_module("psi", pointwise(spatialDims, intermediateChannels, 1, true));
}

torch::Tensor AttentionGateImpl::coefficients(const torch::Tensor& skip, const torch::Tensor& gating) {
  const auto gate = resizeLinear(gatingProjection->forward(gating), spatialSize(skip));
  return at::sigmoid(psi->forward(at::relu(skipProjection->forward(skip) + gate)));
}

torch::Tensor AttentionGateImpl::forward(const torch::Tensor& skip, const torch::Tensor& gating) {
  return skip * coefficients(skip, gating);
}

}  // namespace skipseg::nn
