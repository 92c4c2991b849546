#include "skipseg/nn/NetworkSummary.h"

#include "skipseg/core/Error.h"
#include "skipseg/nn/LayerRecorder.h"

#include <torch/csrc/autograd/grad_mode.h>

#include <map>

namespace skipseg::nn {
namespace {

std::string shapeText(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    text += (i ? ", " : "") + std::to_string(shape[i]);
  }
  return text + "]";
}

torch::Device deviceOf(const torch::nn::Module& module) {
  const auto parameters = module.parameters();
  return parameters.empty() ? torch::Device(torch::kCPU) : parameters.front().device();
}

}  // namespace

int64_t countParameters(const torch::nn::Module& module) {
  int64_t count = 0;
  for (const auto& parameter : module.parameters()) {
    count += parameter.numel();
  }
  return count;
}

nlohmann::json summarizeNetwork(SegmentationNetwork& network, const std::vector<int64_t>& inputShape) {
  if (inputShape.size() < 3 || inputShape.size() > 5) {
    throw badInput("summary input shape " + shapeText(inputShape),
                   "must be [N, C, spatial...] with 1 to 3 spatial axes");
  }
  for (const auto size : inputShape) {
    if (size < 1) {
      throw badInput("summary input shape " + shapeText(inputShape), "sizes must be positive");
    }
  }
  std::map<const torch::nn::Module*, std::string> names;
  for (const auto& item : network.named_modules("", /*include_self=*/false)) {
    names.emplace(item.value().get(), item.key());
  }

  const bool wasTraining = network.is_training();
  network.eval();
  torch::Tensor output;
  LayerRecorder recorder;
  try {
    torch::NoGradGuard noGradients;
    output = network.forward(torch::zeros(inputShape, torch::TensorOptions().device(deviceOf(network))));
  } catch (...) {
    network.train(wasTraining);
    throw;
  }
  network.train(wasTraining);

  nlohmann::json layers = nlohmann::json::array();
  int64_t totalFlops = 0;
  for (const auto& record : recorder.records()) {
    const auto name = names.find(record.module);
    layers.push_back({{"name", name == names.end() ? std::string("?") : name->second},
                      {"type", record.type},
                      {"output_shape", record.outputShape},
                      {"parameters", countParameters(*record.module)},
                      {"flops", record.flops}});
    totalFlops += record.flops;
  }
  int64_t trainable = 0;
  for (const auto& parameter : network.parameters()) {
    trainable += parameter.requires_grad() ? parameter.numel() : 0;
  }
  const auto configuration = network.configuration();
  return {{"architecture", configuration.value("architecture", std::string())},
          {"input_shape", inputShape},
          {"output_shape", output.sizes().vec()},
          {"parameters", countParameters(network)},
          {"trainable_parameters", trainable},
          {"flops", totalFlops},
          {"layers", layers}};
}

}  // namespace skipseg::nn
