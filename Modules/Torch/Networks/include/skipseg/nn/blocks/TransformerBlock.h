#pragma once
// A pre-norm Vision Transformer layer (Dosovitskiy et al. 2021): x + MHSA(LN(x)), then
// x + MLP(LN(x)) with a GELU MLP. Each sub-layer has its own residual connection; normalising
// before (not after) the sub-layer keeps an identity path from input to output, which trains deep
// stacks without warm-up tricks.
#include "skipseg/nn/blocks/Dense.h"
#include "skipseg/nn/blocks/DropPath.h"
#include "skipseg/nn/blocks/MultiHeadSelfAttention.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

namespace skipseg::nn {

struct TransformerBlockOptions {
  int64_t features = 256;
  int64_t heads = 8;
  int64_t mlpFeatures = 1024;
  double dropout = 0.0;
  double attentionDropout = 0.0;
  double dropPath = 0.0;
  uint64_t dropPathSeed = 0;
};

class TransformerBlockImpl : public torch::nn::Module {
 public:
  explicit TransformerBlockImpl(const TransformerBlockOptions& options);
  torch::Tensor forward(const torch::Tensor& tokens);

 private:
  double dropout_;
  torch::nn::LayerNorm attentionNorm{nullptr};
  MultiHeadSelfAttention attention{nullptr};
  torch::nn::LayerNorm mlpNorm{nullptr};
  Dense mlpIn{nullptr};
  Dense mlpOut{nullptr};
  DropPath dropPath{nullptr};
};
TORCH_MODULE(TransformerBlock);

}  // namespace skipseg::nn
