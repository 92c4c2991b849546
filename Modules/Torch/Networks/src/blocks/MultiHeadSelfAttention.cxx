#include "skipseg/nn/blocks/MultiHeadSelfAttention.h"

#include "skipseg/core/Error.h"
#include "skipseg/nn/LayerRecorder.h"

#include <ATen/ATen.h>

#include <cmath>

namespace skipseg::nn {

MultiHeadSelfAttentionImpl::MultiHeadSelfAttentionImpl(int64_t features, int64_t heads, double attentionDropout)
    : features_(features), heads_(heads), attentionDropout_(attentionDropout) {
  if (heads < 1 || features % heads != 0) {
    throw badInput("network configuration", "\"hidden_size\" " + std::to_string(features) +
                                                " must be divisible by \"num_heads\" " + std::to_string(heads));
  }
  qkv = register_module("qkv", Dense(features, 3 * features));
  projection = register_module("projection", Dense(features, features));
}

torch::Tensor MultiHeadSelfAttentionImpl::forward(const torch::Tensor& tokens) {
  const int64_t batch = tokens.size(0);
  const int64_t length = tokens.size(1);
  const int64_t headFeatures = features_ / heads_;
  // [N, L, 3, H, d] -> [3, N, H, L, d]. The batch axis is left to reshape (-1), so that a traced
  // TorchScript export keeps working for any tile batch.
  auto qkvTokens = qkv->forward(tokens).reshape({-1, length, 3, heads_, headFeatures}).permute({2, 0, 3, 1, 4});
  const auto queries = qkvTokens[0];
  const auto keys = qkvTokens[1];
  const auto values = qkvTokens[2];
  auto weights = at::softmax(at::matmul(queries, keys.transpose(-2, -1)) / std::sqrt(double(headFeatures)), -1);
  weights = at::dropout(weights, attentionDropout_, is_training());
  auto attended = at::matmul(weights, values).transpose(1, 2).reshape({-1, length, features_});
  // QK^T and (weights)V: 2 x (N H L L d) multiply-adds.
  recordLayer(*this, "Attention", attended, 4 * batch * length * length * features_);
  return projection->forward(attended);
}

}  // namespace skipseg::nn
