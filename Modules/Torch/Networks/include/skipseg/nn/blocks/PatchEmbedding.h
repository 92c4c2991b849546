#pragma once
// Cuts a feature map [N, C, spatial...] into non-overlapping patches and embeds each as one token
// (a convolution with kernel = stride = patch size), giving tokens [N, L, D] in row-major patch order.
#include "skipseg/nn/blocks/Convolution.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <vector>

namespace skipseg::nn {

class PatchEmbeddingImpl : public torch::nn::Module {
 public:
  PatchEmbeddingImpl(int spatialDims, int64_t inChannels, int64_t features, int64_t patchSize);
  /// Tokens [N, L, D]; `grid` receives the patch grid (spatial size / patch size).
  torch::Tensor forward(const torch::Tensor& featureMap, std::vector<int64_t>* grid = nullptr);

 private:
  int64_t patchSize_;
  Convolution projection{nullptr};
};
TORCH_MODULE(PatchEmbedding);

/// [N, D, spatial...] -> [N, L, D] (row-major over the spatial axes).
torch::Tensor featureMapToTokens(const torch::Tensor& featureMap);
/// [N, L, D] -> [N, D, grid...]; L must equal the product of `grid`.
torch::Tensor tokensToFeatureMap(const torch::Tensor& tokens, const std::vector<int64_t>& grid);

}  // namespace skipseg::nn
