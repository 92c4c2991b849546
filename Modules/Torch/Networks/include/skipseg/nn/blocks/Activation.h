#pragma once
// ReLU, leaky ReLU, PReLU (one learned slope, PyTorch's default) or GELU, chosen at run time.
#include "skipseg/nn/blocks/BlockSettings.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace skipseg::nn {

class ActivationImpl : public torch::nn::Module {
 public:
  ActivationImpl(ActivationKind kind, double negativeSlope = 0.01);
  torch::Tensor forward(const torch::Tensor& input);

  torch::Tensor weight;  ///< PReLU slope; undefined otherwise

 private:
  ActivationKind kind_;
  double negativeSlope_;
};
TORCH_MODULE(Activation);

}  // namespace skipseg::nn
