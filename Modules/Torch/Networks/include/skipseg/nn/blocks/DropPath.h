#pragma once
// Stochastic depth (Huang et al. 2016): during training, drops a residual branch for a whole sample
// with probability p and scales the kept ones by 1/(1-p); the identity in eval mode. Its own seeded
// generator makes training runs repeatable.
#include <ATen/core/Generator.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

namespace skipseg::nn {

class DropPathImpl : public torch::nn::Module {
 public:
  DropPathImpl(double probability, uint64_t seed);
  torch::Tensor forward(const torch::Tensor& branch);
  double probability() const { return probability_; }

 private:
  double probability_;
  at::Generator generator_;
};
TORCH_MODULE(DropPath);

}  // namespace skipseg::nn
