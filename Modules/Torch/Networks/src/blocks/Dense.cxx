#include "skipseg/nn/blocks/Dense.h"

#include "skipseg/nn/LayerRecorder.h"

#include <ATen/ATen.h>

namespace skipseg::nn {

DenseImpl::DenseImpl(int64_t inFeatures, int64_t outFeatures, bool withBias) : inFeatures_(inFeatures) {
  weight = register_parameter("weight", torch::empty({outFeatures, inFeatures}));
  if (withBias) {
    bias = register_parameter("bias", torch::zeros({outFeatures}));
  }
}

torch::Tensor DenseImpl::forward(const torch::Tensor& input) {
  auto output = at::linear(input, weight, bias);
  recordLayer(*this, "Dense", output, 2 * output.numel() * inFeatures_);
  return output;
}

}  // namespace skipseg::nn
