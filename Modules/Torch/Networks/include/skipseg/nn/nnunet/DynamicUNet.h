#pragma once
// The nnU-Net compatibility layer (namespace skipseg::nn::nnunet; src/nnunet/ holds its layers and its
// configuration reader, apart from SkipSeg's composable blocks). nnU-Net's dynamic U-Net in LibTorch:
// PlainConvUNet ("nnunet") and ResidualEncoderUNet ("nnunet_resenc") of MIC-DKFZ/dynamic-network-architectures, rebuilt
// with the same module tree, so that the parameter names of a trained nnU-Net v2 checkpoint
// ("encoder.stages.1.0.convs.0.conv.weight", "decoder.transpconvs.0.weight", "decoder.seg_layers.2.bias", ...) are this
// network's own names and a checkpoint's state dict loads one to one (see ModelIO's nnU-Net importer).
//
// Per stage: a kernel size and a stride (anisotropic allowed; the first conv of a stage carries the
// stride), a feature count (usually doubling up to a cap), and N x (conv, norm, nonlinearity). The
// residual encoder uses ResNet-D basic blocks (avg-pool + 1x1 projection on the shortcut) after a
// one-conv stem. The decoder upsamples with transposed convolutions (kernel = stride), concatenates
// the skip and runs N x (conv, norm, nonlinearity); every decoder stage has a 1x1 segmentation head
// (deep supervision); forward() returns the full-resolution head only.
//
// Configuration keys (nnU-Net's arch_kwargs names where they exist):
//   "architecture": "nnunet" | "nnunet_resenc"
//   "spatial_dims" 2|3 (3), "in_channels" (1), "num_classes" (required)
//   "kernel_sizes", "strides": per stage, each an integer or spatial_dims integers (required)
//   "features_per_stage": per stage, or "base_features" (32) and "max_features" (320): min(base * 2^s, max)
//   "n_conv_per_stage" (plain) / "n_blocks_per_stage" (resenc): integer or per stage (2 / 1,3,4,6,6,6 style)
//   "n_conv_per_stage_decoder": integer or per decoder stage (2)
//   "conv_bias" (true), "norm": "instance"|"batch"|"none" ("instance"), "norm_eps" (1e-5), "norm_affine" (true),
//   "nonlin": "leaky_relu"|"relu" ("leaky_relu"), "negative_slope" (0.01), "nonlin_first" (false, plain only),
//   "stem_channels" (resenc; 0 = features_per_stage[0]), "seed" (0): He initialisation as nnU-Net does it.
#include "skipseg/nn/SegmentationNetwork.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace skipseg::nn::nnunet {

struct DynamicUNetOptions {
  bool residualEncoder = false;
  int64_t spatialDims = 3;
  int64_t inChannels = 1;
  int64_t numClasses = 2;
  std::vector<int64_t> featuresPerStage;
  std::vector<std::vector<int64_t>> kernelSizes;  ///< [stage][axis]
  std::vector<std::vector<int64_t>> strides;      ///< [stage][axis]; stage 0 is usually all 1
  std::vector<int64_t> convsPerStage;             ///< plain: convs per encoder stage; resenc: blocks per stage
  std::vector<int64_t> convsPerDecoderStage;      ///< stageCount() - 1 entries, from the bottleneck up
  bool convBias = true;
  std::string norm = "instance";
  double normEps = 1e-5;
  bool normAffine = true;
  std::string nonlin = "leaky_relu";
  double negativeSlope = 1e-2;
  bool nonlinFirst = false;
  int64_t stemChannels = 0;
  uint64_t seed = 0;

  size_t stageCount() const { return featuresPerStage.size(); }
  /// Reads and checks a configuration (see the header comment); errors are BadInput naming the key.
  static DynamicUNetOptions fromJson(const nlohmann::json& configuration);
  /// The complete configuration, defaults included; fromJson(toJson()) gives the same network.
  nlohmann::json toJson() const;
};

class DynamicUNet : public SegmentationNetwork {
 public:
  explicit DynamicUNet(DynamicUNetOptions options);

  torch::Tensor forward(const torch::Tensor& input) override;
  /// Logits of every decoder stage, full resolution first (nnU-Net's deep supervision order).
  std::vector<torch::Tensor> forwardDeepSupervision(const torch::Tensor& input) override;
  nlohmann::json configuration() const override { return options_.toJson(); }
  const DynamicUNetOptions& options() const { return options_; }

  /// nnU-Net state dicts also hold each conv/norm under "...all_modules.<i>" (the same tensor twice)
  /// and the encoder again under "decoder.encoder."; returns the name this network uses for `key`,
  /// or an empty string when `key` is such a duplicate of a name returned for another key.
  /// Returns `key` itself when it is already canonical.
  static std::string canonicalParameterName(const std::string& key, bool* isDuplicate);

 private:
  struct Impl;
  std::vector<torch::Tensor> run(const torch::Tensor& input, bool allHeads);

  DynamicUNetOptions options_;
  std::shared_ptr<Impl> impl_;
};

/// Registry factory for "nnunet" and "nnunet_resenc".
std::shared_ptr<SegmentationNetwork> makeDynamicUNet(const nlohmann::json& configuration);

}  // namespace skipseg::nn::nnunet
