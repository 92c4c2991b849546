#pragma once
// Convolution, normalisation, activation: the unit every convolutional network here is made of.
// Post-activation order (conv -> norm -> act) by default; pre-activation order (norm -> act -> conv,
// He et al. 2016, "Identity mappings in deep residual networks") for residual branches that keep
// the shortcut path free of non-linearities.
#include "skipseg/nn/blocks/Activation.h"
#include "skipseg/nn/blocks/BlockSettings.h"
#include "skipseg/nn/blocks/Convolution.h"
#include "skipseg/nn/blocks/Normalization.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace skipseg::nn {

struct ConvNormActOptions {
  int64_t inChannels = 1;
  int64_t outChannels = 1;
  int64_t kernelSize = 3;
  int64_t stride = 1;
  int64_t dilation = 1;
  int64_t groups = 1;
  bool preActivation = false;  ///< norm -> act -> conv
  bool activate = true;        ///< false: no activation (last unit of a residual branch)
};

class ConvNormActImpl : public torch::nn::Module {
 public:
  ConvNormActImpl(const BlockSettings& settings, const ConvNormActOptions& options);
  torch::Tensor forward(const torch::Tensor& input);

  /// Whether the unit can be deleted: same channels in and out, no stride, so that its input can take
  /// its place (the lesion study of skipseg-study; a plain network has no other path around a unit).
  bool lesionable() const { return options_.inChannels == options_.outChannels && options_.stride == 1; }
  /// Deleted (true): forward returns its input unchanged. Only for lesionable units; throws otherwise.
  void setLesioned(bool lesioned);
  bool lesioned() const { return lesioned_; }

 private:
  ConvNormActOptions options_;
  bool lesioned_ = false;
  Convolution conv{nullptr};
  Normalization norm{nullptr};
  Activation act{nullptr};
};
TORCH_MODULE(ConvNormAct);

}  // namespace skipseg::nn
