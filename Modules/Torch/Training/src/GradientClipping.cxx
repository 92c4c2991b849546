#include "skipseg/training/GradientClipping.h"

namespace skipseg::training {

at::Tensor clipGradientNorm(const std::vector<at::Tensor>& parameters, double maxNorm) {
  std::vector<at::Tensor> gradients;
  for (const at::Tensor& parameter : parameters) {
    if (parameter.grad().defined()) {
      gradients.push_back(parameter.grad());
    }
  }
  if (gradients.empty()) {
    return at::Tensor();
  }
  std::vector<at::Tensor> norms;
  norms.reserve(gradients.size());
  for (const at::Tensor& gradient : gradients) {
    norms.push_back(gradient.detach().norm(2));
  }
  const at::Tensor total = norms.size() == 1 ? norms.front() : at::stack(norms).norm(2);
  const at::Tensor factor = at::clamp_max(maxNorm / (total + 1e-6), 1.0);
  for (at::Tensor& gradient : gradients) {
    gradient.detach().mul_(factor);
  }
  return total;
}

}  // namespace skipseg::training
