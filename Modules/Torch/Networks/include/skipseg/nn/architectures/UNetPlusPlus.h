#pragma once
// UNet++ (Zhou et al. 2018): the encoder nodes X[i][0] of a U-Net joined by nested, densely connected
// skip pathways: node X[i][j] (j >= 1) sees every X[i][0..j-1] and the upsampled X[i+1][j-1]
// (NestedDecoderNode). A 1x1 head on each top-row node X[0][j] gives deep supervision; at inference
// the network can be pruned to depth L <= depth ("inference_depth"): only the nodes with i + j <= L
// are computed and X[0][L]'s head answers, trading accuracy for speed.
#include "skipseg/nn/SegmentationNetwork.h"
#include "skipseg/nn/blocks/ConvolutionStage.h"

#include <torch/nn/modules/container/modulelist.h>

#include <memory>

namespace skipseg::nn {

class UNetPlusPlus : public SegmentationNetwork {
 public:
  explicit UNetPlusPlus(const nlohmann::json& configuration);
  /// Logits of the head on X[0][inferenceDepth()].
  torch::Tensor forward(const torch::Tensor& input) override;
  /// Every top-row head's logits, deepest (X[0][depth]) first; all at full resolution.
  std::vector<torch::Tensor> forwardDeepSupervision(const torch::Tensor& input) override;
  nlohmann::json configuration() const override;

  int64_t depth() const { return depth_; }
  int64_t inferenceDepth() const { return inferenceDepth_; }
  /// Prunes (or restores) the network used by forward(); 1 <= depth <= depth().
  void setInferenceDepth(int64_t depth);

 private:
  /// Computes the nodes with i + j <= `reach`; returns the top row X[0][1..reach].
  std::vector<torch::Tensor> topRow(const torch::Tensor& input, int64_t reach);

  nlohmann::json configuration_;
  int64_t depth_ = 4;
  int64_t inferenceDepth_ = 4;
  bool maxPool_ = true;
  bool padInput_ = true;
  torch::nn::ModuleList encoder{nullptr};
  torch::nn::ModuleList nodes{nullptr};  ///< node (i, j) at index nodeIndex(i, j)
  torch::nn::ModuleList heads{nullptr};  ///< heads[j - 1] on X[0][j]
  int64_t nodeIndex(int64_t level, int64_t column) const;
};

std::shared_ptr<SegmentationNetwork> makeUNetPlusPlus(const nlohmann::json& configuration);

}  // namespace skipseg::nn
