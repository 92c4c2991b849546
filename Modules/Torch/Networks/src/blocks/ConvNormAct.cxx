#include "skipseg/nn/blocks/ConvNormAct.h"

#include "skipseg/core/Error.h"

namespace skipseg::nn {

ConvNormActImpl::ConvNormActImpl(const BlockSettings& settings, const ConvNormActOptions& options) : options_(options) {
  ConvolutionOptions convolution;
  convolution.spatialDims = settings.spatialDims;
  convolution.inChannels = options.inChannels;
  convolution.outChannels = options.outChannels;
  convolution.kernelSize = perAxis(options.kernelSize, settings.spatialDims);
  convolution.stride = perAxis(options.stride, settings.spatialDims);
  convolution.dilation = perAxis(options.dilation, settings.spatialDims);
  convolution.groups = options.groups;
  // A bias right before a normalisation is cancelled by its mean subtraction.
  convolution.bias = options.preActivation || settings.norm == NormKind::None;
  conv = register_module("conv", Convolution(convolution));
  const int64_t normalizedChannels = options.preActivation ? options.inChannels : options.outChannels;
  norm = register_module("norm", Normalization(settings.norm, normalizedChannels, settings.normGroups));
  if (options.activate) {
    act = register_module("act", Activation(settings.activation, settings.negativeSlope));
  }
}

void ConvNormActImpl::setLesioned(bool lesioned) {
  if (lesioned && !lesionable()) {
    throw badInput("lesion", "a unit from " + std::to_string(options_.inChannels) + " to " +
                                 std::to_string(options_.outChannels) + " channels (stride " +
                                 std::to_string(options_.stride) + ") cannot be replaced by its input");
  }
  lesioned_ = lesioned;
}

torch::Tensor ConvNormActImpl::forward(const torch::Tensor& input) {
  if (lesioned_) {
    return input;
  }
  if (options_.preActivation) {
    auto x = norm->forward(input);
    if (act) {
      x = act->forward(x);
    }
    return conv->forward(x);
  }
  auto x = norm->forward(conv->forward(input));
  return act ? act->forward(x) : x;
}

}  // namespace skipseg::nn
