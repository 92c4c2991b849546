#pragma once
// U-Net (Ronneberger et al. 2015) and ResUNet, in 2D or 3D: an encoder of convolution stages with
// downsampling, a decoder that upsamples and concatenates the encoder's features of the same
// resolution (long skips), and a 1x1 segmentation head. With "block": "residual" every stage is made
// of residual blocks (short skips as well: ResUNet); "resunet" is this network with that default.
// Inputs whose size is not divisible by 2^depth are zero-padded at the end of each axis and the
// output cropped back ("pad_input", default true); with pad_input false they are refused.
// "long_skips" chooses how the encoder's features reach the decoder: "concat" (the U-Net's
// concatenation, default), "add" (summed with the upsampled features, as in LinkNet), "attention"
// (concatenated after an additive attention gate driven by the coarser decoder features, as in
// Attention U-Net) or "none" (an encoder-decoder without long skips); skipseg-study compares them.
#include "skipseg/nn/SegmentationNetwork.h"
#include "skipseg/nn/blocks/AttentionGate.h"
#include "skipseg/nn/blocks/Convolution.h"
#include "skipseg/nn/blocks/ConvolutionStage.h"
#include "skipseg/nn/blocks/Upsampling.h"

#include <torch/nn/modules/container/modulelist.h>

#include <memory>

namespace skipseg::nn {

class UNet : public SegmentationNetwork {
 public:
  /// `architecture` is "unet" or "resunet" (the default block kind).
  UNet(const nlohmann::json& configuration, const std::string& architecture);
  torch::Tensor forward(const torch::Tensor& input) override;
  std::vector<torch::Tensor> forwardDeepSupervision(const torch::Tensor& input) override;
  nlohmann::json configuration() const override { return configuration_; }

 private:
  std::vector<torch::Tensor> run(const torch::Tensor& input, bool allScales);

  nlohmann::json configuration_;
  int64_t depth_ = 4;
  bool maxPool_ = true;
  bool padInput_ = true;
  bool deepSupervision_ = false;
  std::string longSkips_ = "concat";
  torch::nn::ModuleList encoder{nullptr};
  torch::nn::ModuleList upsampling{nullptr};
  torch::nn::ModuleList decoder{nullptr};
  torch::nn::ModuleList gates{nullptr};  ///< gates[l] on the skip of level l ("long_skips": "attention" only)
  torch::nn::ModuleList heads{nullptr};  ///< heads[0] at full resolution, heads[l] at decoder level l
};

std::shared_ptr<SegmentationNetwork> makeUNet(const nlohmann::json& configuration);
std::shared_ptr<SegmentationNetwork> makeResUNet(const nlohmann::json& configuration);

/// Feature counts per level: min(base * 2^level, max) for level 0..depth.
std::vector<int64_t> featuresPerLevel(int64_t base, int64_t maximum, int64_t depth);

/// Zero-pads the spatial axes (at their ends) up to multiples of `multiple`; `padInput` false throws instead.
torch::Tensor padToMultiple(const torch::Tensor& input, int64_t multiple, bool padInput, const std::string& what);
/// Crops the spatial axes to `size` (undoing padToMultiple, scaled by 1/`factor`, rounded up).
torch::Tensor cropTo(const torch::Tensor& tensor, const std::vector<int64_t>& size, int64_t factor = 1);
/// Checks [N, C, spatial...] with the configured spatial dimension and channels.
void checkInput(const torch::Tensor& input, int spatialDims, int64_t channels);

}  // namespace skipseg::nn
