#pragma once
// TransUNet (Chen et al. 2021), 2D as in the paper and 3D: a convolutional residual encoder whose
// bottleneck feature map is cut into patch tokens, given learned position embeddings and passed
// through a pre-norm Vision Transformer; the tokens are reshaped back into a feature map and decoded
// by a cascaded upsampler (upsample x2, concatenate the encoder's skip, two ConvNormAct) to the input
// resolution. The number of tokens is fixed by "image_size", so inputs must have exactly that size.
// Deviations from the paper, for size and 3D: basic (not bottleneck) residual blocks of configurable
// width instead of a pretrained ResNet-50, and a 1x1 segmentation head.
#include "skipseg/nn/SegmentationNetwork.h"
#include "skipseg/nn/blocks/ConvNormAct.h"
#include "skipseg/nn/blocks/Convolution.h"
#include "skipseg/nn/blocks/ConvolutionStage.h"
#include "skipseg/nn/blocks/PatchEmbedding.h"
#include "skipseg/nn/blocks/PositionEmbedding.h"

#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/normalization.h>

#include <memory>

namespace skipseg::nn {

class TransUNet : public SegmentationNetwork {
 public:
  explicit TransUNet(const nlohmann::json& configuration);
  torch::Tensor forward(const torch::Tensor& input) override;
  nlohmann::json configuration() const override { return configuration_; }

 private:
  nlohmann::json configuration_;
  std::vector<int64_t> imageSize_;
  int64_t depth_ = 3;
  int64_t patchSize_ = 1;
  torch::nn::ModuleList encoder{nullptr};
  PatchEmbedding patchEmbedding{nullptr};
  PositionEmbedding positionEmbedding{nullptr};
  torch::nn::ModuleList transformer{nullptr};
  torch::nn::LayerNorm transformerNorm{nullptr};
  ConvNormAct bottleneck{nullptr};
  torch::nn::ModuleList decoder{nullptr};
  Convolution head{nullptr};
};

std::shared_ptr<SegmentationNetwork> makeTransUNet(const nlohmann::json& configuration);

}  // namespace skipseg::nn
