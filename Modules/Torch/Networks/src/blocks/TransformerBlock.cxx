#include "skipseg/nn/blocks/TransformerBlock.h"

#include <ATen/ATen.h>

namespace skipseg::nn {

TransformerBlockImpl::TransformerBlockImpl(const TransformerBlockOptions& options) : dropout_(options.dropout) {
  const auto normOptions = torch::nn::LayerNormOptions({options.features}).eps(1e-6);
  attentionNorm = register_module("attention_norm", torch::nn::LayerNorm(normOptions));
  attention =
      register_module("attention", MultiHeadSelfAttention(options.features, options.heads, options.attentionDropout));
  mlpNorm = register_module("mlp_norm", torch::nn::LayerNorm(normOptions));
  mlpIn = register_module("mlp_in", Dense(options.features, options.mlpFeatures));
  mlpOut = register_module("mlp_out", Dense(options.mlpFeatures, options.features));
  if (options.dropPath > 0.0) {
    dropPath = register_module("drop_path", DropPath(options.dropPath, options.dropPathSeed));
  }
}

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& tokens) {
  const auto maybeDrop = [this](const torch::Tensor& branch) { return dropPath ? dropPath->forward(branch) : branch; };
  auto x = tokens + maybeDrop(at::dropout(attention->forward(attentionNorm->forward(tokens)), dropout_, is_training()));
  auto hidden = at::dropout(at::gelu(mlpIn->forward(mlpNorm->forward(x))), dropout_, is_training());
  return x + maybeDrop(at::dropout(mlpOut->forward(hidden), dropout_, is_training()));
}

}  // namespace skipseg::nn
