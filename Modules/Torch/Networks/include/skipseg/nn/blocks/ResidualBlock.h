#pragma once
// A residual block (He et al. 2016): two ConvNormAct units on the branch, added to a shortcut that is
// the identity, or a 1x1 (strided) projection when channels or resolution change.
// Post-activation: act(norm(conv(act(norm(conv(x))))) + shortcut(x)).
// Pre-activation: conv(act(norm(conv(act(norm(x)))))) + shortcut(x): nothing but the sum on the
// identity path. Optional channel or spatial+channel attention rescales the branch before the sum,
// and drop-path (stochastic depth) drops the whole branch for some samples during training.
#include "skipseg/nn/blocks/BlockSettings.h"
#include "skipseg/nn/blocks/ConvNormAct.h"
#include "skipseg/nn/blocks/DropPath.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <string>

namespace skipseg::nn {

struct ResidualBlockOptions {
  int64_t inChannels = 1;
  int64_t outChannels = 1;
  int64_t kernelSize = 3;
  int64_t stride = 1;
  int64_t dilation = 1;
  int64_t groups = 1;
  bool preActivation = false;
  std::string attention = "none";  ///< none | se | scse
  int64_t attentionReduction = 4;
  double dropPath = 0.0;
  uint64_t dropPathSeed = 0;
};

class ResidualBlockImpl : public torch::nn::Module {
 public:
  ResidualBlockImpl(const BlockSettings& settings, const ResidualBlockOptions& options);
  torch::Tensor forward(const torch::Tensor& input);

  /// Deleted (true): the branch is left out and the block computes only its identity path, the
  /// shortcut (identity, or the projection where channels or resolution change) and, post-activation,
  /// the activation after the sum (the lesion study of Veit et al. 2016, skipseg-study).
  void setLesioned(bool lesioned) { lesioned_ = lesioned; }
  bool lesioned() const { return lesioned_; }
  /// True when the shortcut is the identity (no projection).
  bool identityShortcut() const { return projection.is_empty(); }

 private:
  ResidualBlockOptions options_;
  bool lesioned_ = false;
  ConvNormAct first{nullptr};
  ConvNormAct second{nullptr};
  torch::nn::AnyModule attention_;
  DropPath dropPath{nullptr};
  Convolution projection{nullptr};
  Normalization projectionNorm{nullptr};
  Activation act{nullptr};
};
TORCH_MODULE(ResidualBlock);

}  // namespace skipseg::nn
