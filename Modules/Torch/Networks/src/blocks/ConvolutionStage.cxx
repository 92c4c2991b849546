#include "skipseg/nn/blocks/ConvolutionStage.h"

#include "skipseg/core/Error.h"
#include "skipseg/nn/Initialization.h"

#include <ATen/ATen.h>

#include <algorithm>

namespace skipseg::nn {

StageSettings readStageSettings(ConfigurationReader& reader, const std::string& defaultKind, uint64_t seed,
                                const std::string& defaultNorm, const std::string& defaultActivation) {
  StageSettings settings;
  settings.block = readBlockSettings(reader, defaultNorm, defaultActivation);
  settings.kind = reader.choice("block", defaultKind, {"conv", "residual", "dense"});
  settings.blocksPerStage = reader.integer("blocks_per_stage",
                                           settings.kind == "residual" ? 1
                                           : settings.kind == "dense"  ? 3
                                                                       : 2,
                                           1, 16);
  settings.kernelSize = reader.integer("kernel_size", 3, 1, 7);
  if (settings.kernelSize % 2 == 0) {
    reader.fail("kernel_size",
                "must be odd (the feature map keeps its size), got " + std::to_string(settings.kernelSize));
  }
  settings.dilation = reader.integer("dilation", 1, 1, 8);
  settings.groups = reader.integer("groups", 1, 1, 1024);
  settings.preActivation = reader.boolean("preactivation", false);
  settings.attention = reader.choice("attention", "none", {"none", "se", "scse"});
  settings.attentionReduction = reader.integer("attention_reduction", 4, 1, 64);
  settings.dropPath = reader.number("drop_path", 0.0, 0.0, 0.9);
  if (settings.kind != "residual") {
    for (const char* key : {"preactivation", "attention", "drop_path"}) {
      const auto& value = reader.resolved().at(key);
      if (value != nlohmann::json(key == std::string("attention")   ? nlohmann::json("none")
                                  : key == std::string("drop_path") ? nlohmann::json(0.0)
                                                                    : nlohmann::json(false))) {
        reader.fail(key, "needs \"block\": \"residual\" (got \"" + settings.kind + "\")");
      }
    }
  }
  settings.seed = seed;
  return settings;
}

ConvolutionStageImpl::ConvolutionStageImpl(const StageSettings& settings, int64_t inChannels, int64_t outChannels,
                                           int64_t stride, int64_t firstBlockIndex, int64_t totalBlocks) {
  if (outChannels % settings.groups != 0) {
    throw badInput("network configuration", "\"groups\" " + std::to_string(settings.groups) +
                                                " must divide every feature count (" + std::to_string(outChannels) +
                                                " does not divide)");
  }
  const bool dense = settings.kind == "dense";
  const int64_t growth = std::max<int64_t>(1, outChannels / 2);
  for (int64_t index = 0; index < settings.blocksPerStage; ++index) {
    const int64_t in = index == 0 ? inChannels : outChannels + (dense ? (index - 1) * growth : 0);
    const int64_t out = dense && index > 0 ? growth : outChannels;
    const int64_t blockStride = index == 0 ? stride : 1;
    const std::string name = std::to_string(index);
    if (settings.kind == "residual") {
      ResidualBlockOptions options;
      options.inChannels = in;
      options.outChannels = outChannels;
      options.kernelSize = settings.kernelSize;
      options.stride = blockStride;
      options.dilation = settings.dilation;
      options.groups = settings.groups;
      options.preActivation = settings.preActivation;
      options.attention = settings.attention;
      options.attentionReduction = settings.attentionReduction;
      const int64_t blockIndex = firstBlockIndex + index;
      options.dropPath =
          totalBlocks > 1 ? settings.dropPath * static_cast<double>(blockIndex) / static_cast<double>(totalBlocks - 1)
                          : settings.dropPath;
      options.dropPathSeed = derivedSeed(settings.seed, static_cast<uint64_t>(blockIndex));
      residualBlocks_.push_back(register_module(name, ResidualBlock(settings.block, options)));
    } else {
      ConvNormActOptions options;
      options.inChannels = in;
      options.outChannels = out;
      options.kernelSize = settings.kernelSize;
      options.stride = blockStride;
      options.dilation = settings.dilation;
      // The first unit of a stage maps between channel counts that need not share the groups.
      options.groups = (in % settings.groups == 0 && out % settings.groups == 0) ? settings.groups : 1;
      units_.push_back(register_module(name, ConvNormAct(settings.block, options)));
    }
  }
  if (dense && settings.blocksPerStage > 1) {
    ConvNormActOptions options;
    options.inChannels = outChannels + (settings.blocksPerStage - 1) * growth;
    options.outChannels = outChannels;
    options.kernelSize = 1;
    transition_ = register_module("transition", ConvNormAct(settings.block, options));
  }
}

torch::Tensor ConvolutionStageImpl::forward(const torch::Tensor& input) {
  auto x = input;
  if (transition_) {  // dense: every unit after the entry reads all feature maps before it
    std::vector<torch::Tensor> features{units_.front()->forward(x)};
    for (std::size_t index = 1; index < units_.size(); ++index) {
      features.push_back(units_[index]->forward(at::cat(features, 1)));
    }
    return transition_->forward(at::cat(features, 1));
  }
  for (auto& unit : units_) {
    x = unit->forward(x);
  }
  for (auto& block : residualBlocks_) {
    x = block->forward(x);
  }
  return x;
}

}  // namespace skipseg::nn
