#include "skipseg/nn/blocks/PositionEmbedding.h"

#include "skipseg/core/Error.h"

namespace skipseg::nn {

PositionEmbeddingImpl::PositionEmbeddingImpl(int64_t tokens, int64_t features) {
  position = register_parameter("position", torch::zeros({1, tokens, features}));
}

torch::Tensor PositionEmbeddingImpl::forward(const torch::Tensor& tokens) {
  if (tokens.dim() != 3 || tokens.size(1) != position.size(1) || tokens.size(2) != position.size(2)) {
    throw badInput("network input", "gives " + std::to_string(tokens.dim() == 3 ? tokens.size(1) : 0) +
                                        " tokens but the position embeddings were learned for " +
                                        std::to_string(position.size(1)) + " (the input size must equal image_size)");
  }
  return tokens + position;
}

}  // namespace skipseg::nn
