#include "skipseg/nn/blocks/DropPath.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

namespace skipseg::nn {

DropPathImpl::DropPathImpl(double probability, uint64_t seed)
    : probability_(probability), generator_(at::detail::createCPUGenerator(seed)) {}

torch::Tensor DropPathImpl::forward(const torch::Tensor& branch) {
  if (!is_training() || probability_ <= 0.0) {
    return branch;
  }
  const double keep = 1.0 - probability_;
  std::vector<int64_t> maskShape(branch.dim(), 1);
  maskShape[0] = branch.size(0);
  // Drawn on the CPU so the same seed gives the same masks on every device.
  auto mask = torch::empty(maskShape, torch::kFloat);
  // bernoulli_ locks the generator itself (locking it here too would deadlock).
  mask.bernoulli_(keep, generator_);
  return branch * mask.to(branch.device(), branch.scalar_type()).div_(keep);
}

}  // namespace skipseg::nn
