#pragma once
// Multi-head scaled dot-product self-attention over tokens [N, L, D] (Vaswani et al. 2017): one
// dense layer makes queries, keys and values, each head attends with softmax(QK^T / sqrt(d)), and a
// dense projection merges the heads. Written out with matmuls so it behaves the same on every
// LibTorch version and its FLOPs are known.
#include "skipseg/nn/blocks/Dense.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

namespace skipseg::nn {

class MultiHeadSelfAttentionImpl : public torch::nn::Module {
 public:
  /// `features` must be divisible by `heads`.
  MultiHeadSelfAttentionImpl(int64_t features, int64_t heads, double attentionDropout = 0.0);
  torch::Tensor forward(const torch::Tensor& tokens);

 private:
  int64_t features_;
  int64_t heads_;
  double attentionDropout_;
  Dense qkv{nullptr};
  Dense projection{nullptr};
};
TORCH_MODULE(MultiHeadSelfAttention);

}  // namespace skipseg::nn
