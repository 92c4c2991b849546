#include "skipseg/study/ShatteredGradients.h"

#include "skipseg/core/Error.h"
#include "skipseg/nn/Initialization.h"
#include "skipseg/nn/blocks/ConvolutionStage.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>

namespace skipseg::study {

at::Tensor gradientsAlongLine(const TensorFunction& network, const at::Tensor& patch, const at::Tensor& direction,
                              int points, double extent) {
  if (points < 2 || !patch.sizes().equals(direction.sizes()) || patch.dim() < 3) {
    throw usageError(
        "gradients along a line: need at least 2 points and a patch and direction of one shape [C, spatial...]");
  }
  const auto t = at::linspace(-extent, extent, points, patch.options());
  std::vector<int64_t> broadcast(static_cast<std::size_t>(patch.dim() + 1), 1);
  broadcast[0] = points;
  auto inputs = (patch.unsqueeze(0) + t.view(broadcast) * direction.unsqueeze(0)).detach().requires_grad_(true);
  at::AutoGradMode enableGradients(true);
  const auto output = network(inputs);
  // Channel 0 at the centre voxel of every sample; samples are independent, so the gradient of the
  // sum is each sample's own gradient.
  auto unit = output.select(1, 0);
  while (unit.dim() > 1) {
    unit = unit.select(1, unit.size(1) / 2);
  }
  const auto gradient = torch::autograd::grad({unit.sum()}, {inputs}).front();
  return gradient.detach().reshape({points, -1}).to(at::kCPU, at::kFloat);
}

std::vector<double> gradientAutocorrelation(const at::Tensor& gradients, int maxLag) {
  if (gradients.dim() != 2 || maxLag < 0 || maxLag >= gradients.size(0)) {
    throw usageError("gradient autocorrelation: need [points, D] gradients and a lag below the point count");
  }
  const auto unitGradients = gradients.to(at::kDouble) / gradients.to(at::kDouble).norm(2, {1}, true).clamp_min(1e-300);
  const int64_t points = gradients.size(0);
  std::vector<double> correlation;
  for (int lag = 0; lag <= maxLag; ++lag) {
    const auto cosines = (unitGradients.narrow(0, 0, points - lag) * unitGradients.narrow(0, lag, points - lag)).sum(1);
    correlation.push_back(cosines.mean().item<double>());
  }
  return correlation;
}

namespace {

// Stem unit (1 -> width), the units or blocks, a 1x1 head: a chain with no long skip.
class Chain : public torch::nn::Module {
 public:
  Chain(const nn::StageSettings& settings, int width, int depth) {
    nn::StageSettings stemSettings = settings;
    stemSettings.kind = "conv";
    stemSettings.blocksPerStage = 1;
    stem = register_module("stem", nn::ConvolutionStage(stemSettings, 1, width, 1, 0, 1));
    nn::StageSettings bodySettings = settings;
    bodySettings.blocksPerStage = settings.kind == "residual" ? depth / 2 : depth;
    body = register_module("body", nn::ConvolutionStage(bodySettings, width, width, 1, 0, bodySettings.blocksPerStage));
    nn::ConvolutionOptions headOptions;
    headOptions.spatialDims = settings.block.spatialDims;
    headOptions.inChannels = width;
    headOptions.outChannels = 1;
    headOptions.kernelSize = nn::perAxis(1, settings.block.spatialDims);
    head = register_module("head", nn::Convolution(headOptions));
  }
  at::Tensor forward(const at::Tensor& input) { return head->forward(body->forward(stem->forward(input))); }

  nn::ConvolutionStage stem{nullptr};
  nn::ConvolutionStage body{nullptr};
  nn::Convolution head{nullptr};
};

}  // namespace

std::vector<ShatteringCurve> shatteredGradients(const ShatteringOptions& options) {
  for (const int depth : options.depths) {
    if (depth < 2 || depth % 2 != 0) {
      throw usageError("shattered gradients: depths must be even and at least 2, got " + std::to_string(depth));
    }
  }
  nn::ConfigurationReader reader(Json{{"spatial_dims", options.spatialDims}, {"norm", options.norm}}, "shattering");
  nn::StageSettings settings = nn::readStageSettings(reader, "conv", options.seed);
  std::vector<int64_t> shape{1};
  for (int axis = 0; axis < options.spatialDims; ++axis) {
    shape.push_back(options.patchSize);
  }
  auto generator = at::detail::createCPUGenerator(options.seed);
  const auto patch = at::randn(shape, generator, at::TensorOptions().dtype(at::kFloat));
  const auto direction = at::randn(shape, generator, at::TensorOptions().dtype(at::kFloat));
  std::vector<ShatteringCurve> curves;
  for (const std::string kind : {"plain", "residual"}) {
    for (const int depth : options.depths) {
      settings.kind = kind == "plain" ? "conv" : "residual";
      Chain chain(settings, options.width, depth);
      nn::initializeParameters(chain, options.seed);
      chain.eval();
      const auto gradients = gradientsAlongLine([&](const at::Tensor& x) { return chain.forward(x); }, patch, direction,
                                                options.points, options.extent);
      curves.push_back({kind, depth, gradientAutocorrelation(gradients, options.maxLag)});
    }
  }
  return curves;
}

Json shatteringJson(const std::vector<ShatteringCurve>& curves, const ShatteringOptions& options) {
  Json json{{"settings",
             {{"depths", options.depths},
              {"width", options.width},
              {"spatial_dims", options.spatialDims},
              {"patch_size", options.patchSize},
              {"points", options.points},
              {"extent", options.extent},
              {"norm", options.norm},
              {"seed", options.seed}}},
            {"curves", Json::array()}};
  for (const auto& curve : curves) {
    json["curves"].push_back({{"kind", curve.kind},
                              {"depth", curve.depth},
                              {"lag_one", curve.lagOne()},
                              {"autocorrelation", curve.autocorrelation}});
  }
  return json;
}

}  // namespace skipseg::study
