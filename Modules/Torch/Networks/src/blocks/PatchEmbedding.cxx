#include "skipseg/nn/blocks/PatchEmbedding.h"

#include "skipseg/core/Error.h"

namespace skipseg::nn {

PatchEmbeddingImpl::PatchEmbeddingImpl(int spatialDims, int64_t inChannels, int64_t features, int64_t patchSize)
    : patchSize_(patchSize) {
  ConvolutionOptions options;
  options.spatialDims = spatialDims;
  options.inChannels = inChannels;
  options.outChannels = features;
  options.kernelSize = std::vector<int64_t>(spatialDims, patchSize);
  options.stride = std::vector<int64_t>(spatialDims, patchSize);
  options.padding = std::vector<int64_t>(spatialDims, 0);
  projection = register_module("projection", Convolution(options));
}

torch::Tensor PatchEmbeddingImpl::forward(const torch::Tensor& featureMap, std::vector<int64_t>* grid) {
  for (int64_t axis = 2; axis < featureMap.dim(); ++axis) {
    if (featureMap.size(axis) % patchSize_ != 0) {
      throw badInput("network input", "bottleneck size " + std::to_string(featureMap.size(axis)) +
                                          " is not divisible by the patch size " + std::to_string(patchSize_));
    }
  }
  auto embedded = projection->forward(featureMap);
  if (grid != nullptr) {
    const auto sizes = embedded.sizes();
    grid->assign(sizes.begin() + 2, sizes.end());
  }
  return featureMapToTokens(embedded);
}

torch::Tensor featureMapToTokens(const torch::Tensor& featureMap) {
  return featureMap.flatten(2).transpose(1, 2);
}

torch::Tensor tokensToFeatureMap(const torch::Tensor& tokens, const std::vector<int64_t>& grid) {
  // Batch left to reshape (-1): a traced export must not freeze the tile batch it was traced with.
  std::vector<int64_t> shape{-1, tokens.size(2)};
  int64_t count = 1;
  for (const auto size : grid) {
    shape.push_back(size);
    count *= size;
  }
  if (count != tokens.size(1)) {
    throw internalError("tokensToFeatureMap: " + std::to_string(tokens.size(1)) + " tokens for a grid of " +
                        std::to_string(count));
  }
  return tokens.transpose(1, 2).reshape(shape);
}

}  // namespace skipseg::nn
