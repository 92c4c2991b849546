#include "skipseg/nn/blocks/Convolution.h"

#include "skipseg/core/Error.h"
#include "skipseg/nn/ConvolutionKernel.h"
#include "skipseg/nn/LayerRecorder.h"

#include <ATen/ATen.h>

namespace skipseg::nn {
namespace {

std::vector<int64_t> orDefault(const std::vector<int64_t>& values, int64_t fallback, int dims, const char* what) {
  if (values.empty()) {
    return std::vector<int64_t>(dims, fallback);
  }
  if (static_cast<int>(values.size()) != dims) {
    throw internalError(std::string("Convolution: ") + what + " needs one value per spatial axis");
  }
  return values;
}

}  // namespace

ConvolutionImpl::ConvolutionImpl(ConvolutionOptions options) : options_(std::move(options)) {
  auto& o = options_;
  const int dims = o.spatialDims;
  o.kernelSize = orDefault(o.kernelSize, 3, dims, "kernel size");
  o.stride = orDefault(o.stride, 1, dims, "stride");
  o.dilation = orDefault(o.dilation, 1, dims, "dilation");
  if (o.padding.empty()) {
    for (int axis = 0; axis < dims; ++axis) {
      o.padding.push_back(o.transposed ? 0 : o.dilation[axis] * (o.kernelSize[axis] - 1) / 2);
    }
  }
  o.padding = orDefault(o.padding, 0, dims, "padding");
  if (o.groups < 1 || o.inChannels % o.groups != 0 || o.outChannels % o.groups != 0) {
    throw badInput("network configuration", "\"groups\" " + std::to_string(o.groups) + " must divide the channels (" +
                                                std::to_string(o.inChannels) + " in, " + std::to_string(o.outChannels) +
                                                " out)");
  }
  std::vector<int64_t> shape = o.transposed ? std::vector<int64_t>{o.inChannels, o.outChannels / o.groups}
                                            : std::vector<int64_t>{o.outChannels, o.inChannels / o.groups};
  shape.insert(shape.end(), o.kernelSize.begin(), o.kernelSize.end());
  weight = register_parameter("weight", torch::empty(shape));
  if (o.bias) {
    bias = register_parameter("bias", torch::zeros({o.outChannels}));
  }
}

torch::Tensor ConvolutionImpl::forward(const torch::Tensor& input) {
  const auto& o = options_;
  const std::vector<int64_t> outputPadding(o.spatialDims, 0);
  auto output =
      nn::convolution(input, weight, bias, o.stride, o.padding, o.dilation, o.transposed, outputPadding, o.groups);
  recordLayer(*this, o.transposed ? "TransposedConvolution" : "Convolution", output,
              convolutionFlops(o, input, output));
  return output;
}

int64_t convolutionFlops(const ConvolutionOptions& options, const torch::Tensor& input, const torch::Tensor& output) {
  int64_t kernelVolume = 1;
  for (const auto size : options.kernelSize) {
    kernelVolume *= size;
  }
  // Every output voxel of a convolution sums (in/groups) x kernel products; a transposed
  // convolution scatters every input voxel into (out/groups) x kernel products.
  if (options.transposed) {
    return 2 * input.numel() * (options.outChannels / options.groups) * kernelVolume;
  }
  return 2 * output.numel() * (options.inChannels / options.groups) * kernelVolume;
}

}  // namespace skipseg::nn
