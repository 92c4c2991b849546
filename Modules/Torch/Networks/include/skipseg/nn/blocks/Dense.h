#pragma once
// A fully connected layer on the last axis (tokens, MLPs), parameters named as PyTorch's Linear.
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

namespace skipseg::nn {

class DenseImpl : public torch::nn::Module {
 public:
  DenseImpl(int64_t inFeatures, int64_t outFeatures, bool bias = true);
  torch::Tensor forward(const torch::Tensor& input);

  torch::Tensor weight, bias;

 private:
  int64_t inFeatures_;
};
TORCH_MODULE(Dense);

}  // namespace skipseg::nn
