#include "skipseg/nn/blocks/ResidualBlock.h"

#include "skipseg/nn/blocks/SpatialChannelGate.h"
#include "skipseg/nn/blocks/SqueezeExcitation.h"

namespace skipseg::nn {

ResidualBlockImpl::ResidualBlockImpl(const BlockSettings& settings, const ResidualBlockOptions& options)
    : options_(options) {
  ConvNormActOptions unit;
  unit.inChannels = options.inChannels;
  unit.outChannels = options.outChannels;
  unit.kernelSize = options.kernelSize;
  unit.stride = options.stride;
  unit.dilation = options.dilation;
  // Grouped convolutions need the channel counts to divide; the stem's few input channels may not.
  unit.groups = options.inChannels % options.groups == 0 ? options.groups : 1;
  unit.preActivation = options.preActivation;
  first = register_module("first", ConvNormAct(settings, unit));
  unit.inChannels = options.outChannels;
  unit.stride = 1;
  unit.groups = options.groups;
  // Post-activation applies the second activation after the sum.
  unit.activate = options.preActivation;
  second = register_module("second", ConvNormAct(settings, unit));

  if (options.attention == "se") {
    attention_ = torch::nn::AnyModule(register_module(
        "attention", SqueezeExcitation(settings.spatialDims, options.outChannels, options.attentionReduction)));
  } else if (options.attention == "scse") {
    attention_ = torch::nn::AnyModule(register_module(
        "attention", SpatialChannelGate(settings.spatialDims, options.outChannels, options.attentionReduction)));
  }
  if (options.dropPath > 0.0) {
    dropPath = register_module("drop_path", DropPath(options.dropPath, options.dropPathSeed));
  }
  if (options.inChannels != options.outChannels || options.stride != 1) {
    ConvolutionOptions shortcut;
    shortcut.spatialDims = settings.spatialDims;
    shortcut.inChannels = options.inChannels;
    shortcut.outChannels = options.outChannels;
    shortcut.kernelSize = perAxis(1, settings.spatialDims);
    shortcut.stride = perAxis(options.stride, settings.spatialDims);
    shortcut.bias = options.preActivation || settings.norm == NormKind::None;
    projection = register_module("projection", Convolution(shortcut));
    if (!options.preActivation) {
      projectionNorm =
          register_module("projection_norm", Normalization(settings.norm, options.outChannels, settings.normGroups));
    }
  }
  if (!options.preActivation) {
    act = register_module("act", Activation(settings.activation, settings.negativeSlope));
  }
}

torch::Tensor ResidualBlockImpl::forward(const torch::Tensor& input) {
  auto shortcut = input;
  if (projection) {
    shortcut = projection->forward(input);
    if (projectionNorm) {
      shortcut = projectionNorm->forward(shortcut);
    }
  }
  if (lesioned_) {
    return act ? act->forward(shortcut) : shortcut;
  }
  auto branch = second->forward(first->forward(input));
  if (!attention_.is_empty()) {
    branch = attention_.forward(branch);
  }
  if (dropPath) {
    branch = dropPath->forward(branch);
  }
  auto sum = branch + shortcut;
  return act ? act->forward(sum) : sum;
}

}  // namespace skipseg::nn
