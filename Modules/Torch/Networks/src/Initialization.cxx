#include "skipseg/nn/Initialization.h"

#include "skipseg/nn/blocks/Dense.h"
#include "skipseg/nn/blocks/PositionEmbedding.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <cmath>

namespace skipseg::nn {
namespace {

// PyTorch's fan computation: dimension 1 times the kernel volume.
int64_t fanIn(const torch::Tensor& weight) {
  int64_t receptive = 1;
  for (int64_t axis = 2; axis < weight.dim(); ++axis) {
    receptive *= weight.size(axis);
  }
  return weight.size(1) * receptive;
}

int64_t fanOut(const torch::Tensor& weight) {
  return weight.size(0) * (weight.numel() / weight.size(0) / weight.size(1));
}

}  // namespace

uint64_t derivedSeed(uint64_t seed, uint64_t index) {
  // splitmix64 step: nearby indices give unrelated seeds.
  uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (index + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

void initializeParameters(torch::nn::Module& network, uint64_t seed) {
  torch::NoGradGuard noGradients;
  auto generator = at::detail::createCPUGenerator(seed);
  const auto initializeOwnParameters = [&generator](torch::nn::Module& module) {
    const bool dense = dynamic_cast<DenseImpl*>(&module) != nullptr;
    const bool position = dynamic_cast<PositionEmbeddingImpl*>(&module) != nullptr;
    for (const auto& item : module.named_parameters(/*recurse=*/false)) {
      auto parameter = item.value();
      auto values = torch::empty(parameter.sizes(), torch::kFloat);
      if (position) {
        values.normal_(0.0, 0.02, generator);
      } else if (dense && parameter.dim() == 2) {
        const double bound = std::sqrt(6.0 / static_cast<double>(fanIn(parameter) + fanOut(parameter)));
        values.uniform_(-bound, bound, generator);
      } else if (parameter.dim() >= 2) {
        values.normal_(0.0, std::sqrt(2.0 / static_cast<double>(fanIn(parameter))), generator);
      } else if (item.key() == "bias") {
        values.zero_();
      } else {
        continue;  // constant scales (norm weights, PReLU slopes) are already deterministic
      }
      parameter.copy_(values);
    }
  };
  // Not modules(include_self=true): it needs the network already held by a shared_ptr, and
  // networks initialise themselves in their constructors.
  initializeOwnParameters(network);
  for (const auto& module : network.modules(/*include_self=*/false)) {
    initializeOwnParameters(*module);
  }
}

}  // namespace skipseg::nn
