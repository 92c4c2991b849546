#include "skipseg/nn/blocks/Upsampling.h"

#include <torch/nn/functional/upsampling.h>

namespace skipseg::nn {

UpsamplingImpl::UpsamplingImpl(int spatialDims, int64_t inChannels, int64_t outChannels, const std::string& mode)
    : transposed_(mode == "transposed") {
  ConvolutionOptions options;
  options.spatialDims = spatialDims;
  options.inChannels = inChannels;
  options.outChannels = outChannels;
  options.kernelSize = std::vector<int64_t>(spatialDims, transposed_ ? 2 : 1);
  options.stride = std::vector<int64_t>(spatialDims, transposed_ ? 2 : 1);
  options.transposed = transposed_;
  conv = register_module("conv", Convolution(options));
}

torch::Tensor UpsamplingImpl::forward(const torch::Tensor& input, const std::vector<int64_t>& outputSize) {
  if (transposed_) {
    auto output = conv->forward(input);
    if (spatialSize(output) == outputSize) {
      return output;
    }
    return resizeLinear(output, outputSize);
  }
  return conv->forward(resizeLinear(input, outputSize));
}

torch::Tensor resizeLinear(const torch::Tensor& input, const std::vector<int64_t>& size) {
  namespace F = torch::nn::functional;
  auto options = F::InterpolateFuncOptions().size(size).align_corners(false);
  if (size.size() == 3) {
    options.mode(torch::kTrilinear);
  } else {
    options.mode(torch::kBilinear);
  }
  return F::interpolate(input, options);
}

std::vector<int64_t> spatialSize(const torch::Tensor& tensor) {
  const auto sizes = tensor.sizes();
  return std::vector<int64_t>(sizes.begin() + 2, sizes.end());
}

}  // namespace skipseg::nn
