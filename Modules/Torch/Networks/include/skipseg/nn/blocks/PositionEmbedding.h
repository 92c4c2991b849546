#pragma once
// Learned position embeddings added to a fixed number of tokens (ViT): the token grid, and so the
// input size, is part of the configuration.
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

namespace skipseg::nn {

class PositionEmbeddingImpl : public torch::nn::Module {
 public:
  PositionEmbeddingImpl(int64_t tokens, int64_t features);
  /// tokens [N, L, D] + position [1, L, D]; another L throws BadInput.
  torch::Tensor forward(const torch::Tensor& tokens);

  torch::Tensor position;
};
TORCH_MODULE(PositionEmbedding);

}  // namespace skipseg::nn
