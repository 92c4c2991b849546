#include "skipseg/nn/blocks/Activation.h"

#include <ATen/ATen.h>

namespace skipseg::nn {

ActivationImpl::ActivationImpl(ActivationKind kind, double negativeSlope) : kind_(kind), negativeSlope_(negativeSlope) {
  if (kind_ == ActivationKind::PReLU) {
    weight = register_parameter("weight", torch::full({1}, 0.25));
  }
}

torch::Tensor ActivationImpl::forward(const torch::Tensor& input) {
  switch (kind_) {
    case ActivationKind::ReLU: return at::relu(input);
    case ActivationKind::LeakyReLU: return at::leaky_relu(input, negativeSlope_);
    case ActivationKind::PReLU: return at::prelu(input, weight);
    case ActivationKind::GELU: return at::gelu(input);
  }
  return input;
}

}  // namespace skipseg::nn
