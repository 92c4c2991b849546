#pragma once
// One resolution level of an encoder or decoder: a chain of plain ConvNormAct units, of residual
// blocks, or a dense block (the configuration's "block"), the first unit of which may stride to halve
// the resolution. A dense stage (DenseNet, Huang et al. 2017) is an entry unit (in -> out channels,
// the stride), then blocks_per_stage - 1 units that each read the concatenation of the entry's output
// and of every earlier unit's output and add out/2 channels (the growth rate), then a 1x1 transition
// unit from all of them back to out channels.
#include "skipseg/nn/blocks/BlockSettings.h"
#include "skipseg/nn/blocks/ConvNormAct.h"
#include "skipseg/nn/blocks/ResidualBlock.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <string>
#include <vector>

namespace skipseg::nn {

/// How the stages of a network are built; read from the configuration by readStageSettings().
struct StageSettings {
  BlockSettings block;
  std::string kind = "conv";  ///< conv | residual | dense
  int64_t blocksPerStage = 2;
  int64_t kernelSize = 3;
  int64_t dilation = 1;
  int64_t groups = 1;
  bool preActivation = false;
  std::string attention = "none";
  int64_t attentionReduction = 4;
  double dropPath = 0.0;  ///< the largest drop-path rate; block b of B gets dropPath * b / (B - 1)
  uint64_t seed = 0;
};

/// Reads "block" (conv|residual|dense), "blocks_per_stage", "kernel_size", "dilation", "groups",
/// "preactivation", "attention" (none|se|scse), "attention_reduction", "drop_path" and the block
/// settings; `defaultKind` differs between unet and resunet.
StageSettings readStageSettings(ConfigurationReader& reader, const std::string& defaultKind, uint64_t seed,
                                const std::string& defaultNorm = "instance",
                                const std::string& defaultActivation = "leakyrelu");

class ConvolutionStageImpl : public torch::nn::Module {
 public:
  /// `firstBlockIndex`/`totalBlocks` place the stage's residual blocks on the network's drop-path ramp.
  ConvolutionStageImpl(const StageSettings& settings, int64_t inChannels, int64_t outChannels, int64_t stride,
                       int64_t firstBlockIndex, int64_t totalBlocks);
  torch::Tensor forward(const torch::Tensor& input);

 private:
  std::vector<ConvNormAct> units_;
  ConvNormAct transition_{nullptr};  ///< dense stages only
  std::vector<ResidualBlock> residualBlocks_;
};
TORCH_MODULE(ConvolutionStage);

}  // namespace skipseg::nn
