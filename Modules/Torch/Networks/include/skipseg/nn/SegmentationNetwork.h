#pragma once
// The contract every SkipSeg architecture fulfils, and the registry that builds one from its JSON
// configuration. Included by Torch modules only (Inference, ModelIO, Training); never by ITK code.
#include <torch/nn/module.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace skipseg::nn {

/// A segmentation network: input [N, C, spatial...] (2 or 3 spatial axes), output logits
/// [N, classes, spatial...] at the input's resolution.
class SegmentationNetwork : public torch::nn::Module {
 public:
  ~SegmentationNetwork() override = default;

  /// Logits at full resolution (eval and training).
  virtual torch::Tensor forward(const torch::Tensor& input) = 0;
  /// Training with deep supervision: logits at every supervised scale, full resolution first.
  /// Architectures without deep supervision return {forward(input)}.
  virtual std::vector<torch::Tensor> forwardDeepSupervision(const torch::Tensor& input) { return {forward(input)}; }
  /// The configuration that rebuilds this network with createNetwork() (includes "architecture").
  virtual nlohmann::json configuration() const = 0;
};

using NetworkFactory = std::function<std::shared_ptr<SegmentationNetwork>(const nlohmann::json& configuration)>;

/// Builds the architecture named by configuration["architecture"] ("unet", "resunet", "unetpp",
/// "transunet", "nnunet", ...). Unknown names or bad settings throw skipseg::Error(BadInput).
std::shared_ptr<SegmentationNetwork> createNetwork(const nlohmann::json& configuration);

/// Adds an architecture at run time (extensions, tests). The built-in ones are listed explicitly in
/// src/NetworkRegistry.cxx: static-initialiser registration would be dropped by the linker from a
/// static library.
bool registerArchitecture(const std::string& name, NetworkFactory factory);

/// Names of the registered architectures, sorted.
std::vector<std::string> registeredArchitectures();

}  // namespace skipseg::nn
