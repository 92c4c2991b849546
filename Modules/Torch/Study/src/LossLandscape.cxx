#include "skipseg/study/LossLandscape.h"

#include "skipseg/core/Error.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

namespace skipseg::study {

std::vector<at::Tensor> filterNormalizedDirection(const std::vector<at::Tensor>& weights, std::uint64_t seed) {
  // Drawn on the CPU in float32 from one generator: the same seed gives the same direction on any device.
  auto generator = at::detail::createCPUGenerator(seed);
  std::vector<at::Tensor> direction;
  direction.reserve(weights.size());
  for (const auto& weight : weights) {
    if (weight.dim() < 2) {
      direction.push_back(at::zeros_like(weight));
      continue;
    }
    const auto cpuWeight = weight.detach().to(at::kCPU, at::kFloat);
    auto draw = at::randn(cpuWeight.sizes(), generator, at::TensorOptions().dtype(at::kFloat));
    const auto filters = draw.view({draw.size(0), -1});
    const auto weightNorms = cpuWeight.reshape({cpuWeight.size(0), -1}).norm(2, {1}, true);
    const auto drawNorms = filters.norm(2, {1}, true).clamp_min(1e-12);
    filters.mul_(weightNorms / drawNorms);
    direction.push_back(draw.to(weight.device(), weight.scalar_type()));
  }
  return direction;
}

Json LossPlane::toJson() const {
  return Json{{"coordinates", coordinates}, {"loss", loss}, {"centre_loss", centreLoss}};
}

namespace {

// Puts the trained weights back whatever happens while the plane is evaluated.
class WeightRestorer {
 public:
  WeightRestorer(std::vector<at::Tensor> parameters) : parameters_(std::move(parameters)) {
    for (const auto& parameter : parameters_) {
      saved_.push_back(parameter.detach().clone());
    }
  }
  ~WeightRestorer() {
    at::NoGradGuard noGradients;
    for (std::size_t p = 0; p < parameters_.size(); ++p) {
      parameters_[p].detach().copy_(saved_[p]);
    }
  }
  const std::vector<at::Tensor>& saved() const { return saved_; }

 private:
  std::vector<at::Tensor> parameters_;
  std::vector<at::Tensor> saved_;
};

}  // namespace

LossPlane lossPlane(torch::nn::Module& network, const std::function<double()>& loss, const PlaneOptions& options) {
  if (options.resolution < 2 || options.extent <= 0) {
    throw usageError("loss plane: the grid needs at least 2 points per axis and a positive extent");
  }
  const auto parameters = network.parameters();
  WeightRestorer restorer(parameters);
  const auto first = filterNormalizedDirection(restorer.saved(), options.seed);
  const auto second = filterNormalizedDirection(restorer.saved(), options.seed + 1);
  LossPlane plane;
  for (int i = 0; i < options.resolution; ++i) {
    plane.coordinates.push_back(-options.extent + 2.0 * options.extent * i / (options.resolution - 1));
  }
  at::NoGradGuard noGradients;
  plane.loss.assign(plane.coordinates.size(), std::vector<double>(plane.coordinates.size(), 0.0));
  for (std::size_t i = 0; i < plane.coordinates.size(); ++i) {
    for (std::size_t j = 0; j < plane.coordinates.size(); ++j) {
      for (std::size_t p = 0; p < parameters.size(); ++p) {
        parameters[p].detach().copy_(restorer.saved()[p] + plane.coordinates[i] * first[p] +
                                     plane.coordinates[j] * second[p]);
      }
      plane.loss[i][j] = loss();
    }
  }
  for (std::size_t p = 0; p < parameters.size(); ++p) {
    parameters[p].detach().copy_(restorer.saved()[p]);
  }
  plane.centreLoss = loss();
  return plane;
}

}  // namespace skipseg::study
