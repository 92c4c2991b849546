#include "skipseg/training/GradientScaler.h"

namespace skipseg::training {

GradientScaler::GradientScaler(double initialScale, int growthInterval)
    : scale_(initialScale), growthInterval_(growthInterval) {}

at::Tensor GradientScaler::scale(const at::Tensor& loss) const {
  return loss * scale_;
}

bool GradientScaler::unscale(const std::vector<at::Tensor>& parameters) const {
  const double inverse = 1.0 / scale_;  // a power of two: dividing by it is exact
  std::vector<at::Tensor> finite;
  for (const at::Tensor& parameter : parameters) {
    at::Tensor gradient = parameter.grad();
    if (!gradient.defined()) {
      continue;
    }
    gradient.detach().mul_(inverse);
    finite.push_back(at::isfinite(gradient).all());
  }
  return finite.empty() || at::stack(finite).all().item<bool>();
}

void GradientScaler::update(bool finite) {
  if (!finite) {
    scale_ *= 0.5;
    goodSteps_ = 0;
    return;
  }
  if (++goodSteps_ >= growthInterval_) {
    scale_ *= 2.0;
    goodSteps_ = 0;
  }
}

Json GradientScaler::toJson() const {
  return Json{{"scale", scale_}, {"good_steps", goodSteps_}};
}

void GradientScaler::restore(const Json& state) {
  scale_ = state.at("scale").get<double>();
  goodSteps_ = state.at("good_steps").get<int>();
}

}  // namespace skipseg::training
