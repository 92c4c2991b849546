#pragma once
// Doubles the resolution and maps channels: a transposed convolution with kernel = stride = 2
// ("transposed", learned), or linear interpolation followed by a 1x1 convolution ("interpolate",
// free of checkerboard artefacts). Either way the output has exactly the requested size.
#include "skipseg/nn/blocks/Convolution.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <string>
#include <vector>

namespace skipseg::nn {

class UpsamplingImpl : public torch::nn::Module {
 public:
  UpsamplingImpl(int spatialDims, int64_t inChannels, int64_t outChannels, const std::string& mode);
  /// `outputSize`: the spatial size to reach (twice the input's for "transposed").
  torch::Tensor forward(const torch::Tensor& input, const std::vector<int64_t>& outputSize);

 private:
  bool transposed_;
  Convolution conv{nullptr};
};
TORCH_MODULE(Upsampling);

/// Linear (bilinear/trilinear) resampling of [N, C, spatial...] to `size` (align_corners false).
torch::Tensor resizeLinear(const torch::Tensor& input, const std::vector<int64_t>& size);

/// Spatial sizes of [N, C, spatial...].
std::vector<int64_t> spatialSize(const torch::Tensor& tensor);

}  // namespace skipseg::nn
