#include "skipseg/nn/nnunet/DynamicUNet.h"

#include "Layers.h"
#include "skipseg/core/Error.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

namespace skipseg::nn::nnunet {

using Json = nlohmann::json;

struct DynamicUNet::Impl {
  std::shared_ptr<StackedConvs> stem;  // residual encoder only
  std::vector<std::shared_ptr<torch::nn::Module>> encoderStages;
  std::vector<std::shared_ptr<ConvLayer>> transposedConvs;
  std::vector<std::shared_ptr<StackedConvs>> decoderStages;
  std::vector<std::shared_ptr<ConvLayer>> segmentationHeads;
};

DynamicUNet::DynamicUNet(DynamicUNetOptions options) : options_(std::move(options)), impl_(std::make_shared<Impl>()) {
  const auto& o = options_;
  const size_t stages = o.stageCount();
  const std::vector<int64_t> unit(static_cast<size_t>(o.spatialDims), 1);
  auto encoder = register_module("encoder", std::make_shared<torch::nn::Module>("Encoder"));
  int64_t channels = o.inChannels;
  if (o.residualEncoder) {
    const int64_t stemChannels = o.stemChannels > 0 ? o.stemChannels : o.featuresPerStage[0];
    impl_->stem = encoder->register_module(
        "stem", std::make_shared<StackedConvs>(1, channels, stemChannels, o.kernelSizes[0], unit, o));
    channels = stemChannels;
  }
  auto encoderStages = encoder->register_module("stages", std::make_shared<torch::nn::Module>("Sequential"));
  for (size_t s = 0; s < stages; ++s) {
    const auto name = std::to_string(s);
    if (o.residualEncoder) {
      impl_->encoderStages.push_back(encoderStages->register_module(
          name, std::make_shared<StackedResidualBlocks>(o.convsPerStage[s], channels, o.featuresPerStage[s],
                                                        o.kernelSizes[s], o.strides[s], o)));
    } else {
      // The plain encoder wraps each stage in a Sequential: "stages.<s>.0.convs.<i>".
      auto stage = encoderStages->register_module(name, std::make_shared<torch::nn::Module>("Sequential"));
      stage->register_module("0", std::make_shared<StackedConvs>(o.convsPerStage[s], channels, o.featuresPerStage[s],
                                                                 o.kernelSizes[s], o.strides[s], o));
      impl_->encoderStages.push_back(stage);
    }
    channels = o.featuresPerStage[s];
  }
  auto decoder = register_module("decoder", std::make_shared<torch::nn::Module>("Decoder"));
  auto decoderStages = decoder->register_module("stages", std::make_shared<torch::nn::Module>("ModuleList"));
  auto transposedConvs = decoder->register_module("transpconvs", std::make_shared<torch::nn::Module>("ModuleList"));
  auto heads = decoder->register_module("seg_layers", std::make_shared<torch::nn::Module>("ModuleList"));
  for (size_t s = 0; s + 1 < stages; ++s) {
    const size_t below = stages - 1 - s;
    const size_t skip = stages - 2 - s;
    const auto name = std::to_string(s);
    impl_->transposedConvs.push_back(transposedConvs->register_module(
        name, std::make_shared<ConvLayer>(o.featuresPerStage[below], o.featuresPerStage[skip], o.strides[below],
                                          o.strides[below], o.convBias, true)));
    impl_->decoderStages.push_back(decoderStages->register_module(
        name, std::make_shared<StackedConvs>(o.convsPerDecoderStage[s], 2 * o.featuresPerStage[skip],
                                             o.featuresPerStage[skip], o.kernelSizes[skip], unit, o)));
    impl_->segmentationHeads.push_back(heads->register_module(
        name, std::make_shared<ConvLayer>(o.featuresPerStage[skip], o.numClasses, unit, unit, true, false)));
  }

  // nnU-Net's initialisation: He normal (slope 1e-2) for every conv, norms at 1 / 0, and in residual
  // blocks the last norm before the addition at 0 so that every block starts as the identity.
  auto generator = at::detail::createCPUGenerator(o.seed);
  for (const auto& module : modules(/*include_self=*/false)) {
    if (auto* conv = dynamic_cast<ConvLayer*>(module.get())) {
      conv->initialize(1e-2, generator);
    }
  }
  if (o.residualEncoder) {
    for (const auto& stage : impl_->encoderStages) {
      for (const auto& block : std::static_pointer_cast<StackedResidualBlocks>(stage)->blocks) {
        if (block->conv2->norm) {
          block->conv2->norm->zeroScale();
        }
      }
    }
  }
}

std::vector<torch::Tensor> DynamicUNet::run(const torch::Tensor& input, bool allHeads) {
  if (input.dim() != options_.spatialDims + 2 || input.size(1) != options_.inChannels) {
    throw badInput("network input", "expected [N, " + std::to_string(options_.inChannels) + ", " +
                                        std::to_string(options_.spatialDims) + " spatial axes], got " +
                                        std::to_string(input.dim()) + " axes with " +
                                        std::to_string(input.dim() > 1 ? input.size(1) : 0) + " channels");
  }
  torch::Tensor x = impl_->stem ? impl_->stem->forward(input) : input;
  std::vector<torch::Tensor> skips;
  for (const auto& stage : impl_->encoderStages) {
    if (options_.residualEncoder) {
      x = std::static_pointer_cast<StackedResidualBlocks>(stage)->forward(x);
    } else {
      x = std::static_pointer_cast<StackedConvs>(stage->children().front())->forward(x);
    }
    skips.push_back(x);
  }
  std::vector<torch::Tensor> outputs;
  const size_t decoderStages = impl_->decoderStages.size();
  for (size_t s = 0; s < decoderStages; ++s) {
    x = impl_->transposedConvs[s]->forward(x);
    x = at::cat({x, skips[decoderStages - 1 - s]}, 1);
    x = impl_->decoderStages[s]->forward(x);
    if (allHeads || s + 1 == decoderStages) {
      outputs.push_back(impl_->segmentationHeads[s]->forward(x));
    }
  }
  std::reverse(outputs.begin(), outputs.end());
  return outputs;
}

torch::Tensor DynamicUNet::forward(const torch::Tensor& input) {
  return run(input, false).front();
}

std::vector<torch::Tensor> DynamicUNet::forwardDeepSupervision(const torch::Tensor& input) {
  return run(input, true);
}

std::string DynamicUNet::canonicalParameterName(const std::string& key, bool* isDuplicate) {
  bool duplicate = false;
  std::string name = key;
  const std::string decoderEncoder = "decoder.encoder.";
  if (name.rfind(decoderEncoder, 0) == 0) {
    name = name.substr(std::string("decoder.").size());
    duplicate = true;
  }
  const std::string allModules = ".all_modules.";
  const auto position = name.find(allModules);
  if (position != std::string::npos) {
    const auto indexStart = position + allModules.size();
    const auto indexEnd = name.find('.', indexStart);
    if (indexEnd != std::string::npos) {
      // all_modules holds [conv, (dropout), norm, nonlinearity]: index 0 is the conv, the only other
      // entry with tensors is the norm.
      const bool isConv = name.compare(indexStart, indexEnd - indexStart, "0") == 0;
      name = name.substr(0, position) + (isConv ? ".conv" : ".norm") + name.substr(indexEnd);
      duplicate = true;
    }
  }
  if (isDuplicate) {
    *isDuplicate = duplicate;
  }
  return name;
}

std::shared_ptr<SegmentationNetwork> makeDynamicUNet(const Json& configuration) {
  return std::make_shared<DynamicUNet>(DynamicUNetOptions::fromJson(configuration));
}

}  // namespace skipseg::nn::nnunet
