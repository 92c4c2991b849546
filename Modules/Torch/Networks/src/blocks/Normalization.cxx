#include "skipseg/nn/blocks/Normalization.h"

#include "skipseg/core/Error.h"

#include <ATen/ATen.h>

namespace skipseg::nn {

NormalizationImpl::NormalizationImpl(NormKind kind, int64_t channels, int64_t groups, double eps, double momentum)
    : kind_(kind), groups_(groups), eps_(eps), momentum_(momentum) {
  if (kind_ == NormKind::None) {
    return;
  }
  if (kind_ == NormKind::Group && (groups_ < 1 || channels % groups_ != 0)) {
    throw badInput("network configuration", "\"norm_groups\" " + std::to_string(groups_) +
                                                " must divide every feature count (" + std::to_string(channels) +
                                                " does not divide)");
  }
  weight = register_parameter("weight", torch::ones({channels}));
  bias = register_parameter("bias", torch::zeros({channels}));
  if (kind_ == NormKind::Batch) {
    runningMean = register_buffer("running_mean", torch::zeros({channels}));
    runningVar = register_buffer("running_var", torch::ones({channels}));
    batchesTracked = register_buffer("num_batches_tracked", torch::zeros({}, torch::kLong));
  }
}

torch::Tensor NormalizationImpl::forward(const torch::Tensor& input) {
  switch (kind_) {
    case NormKind::None: return input;
    case NormKind::Batch:
      if (is_training()) {
        batchesTracked.add_(1);
      }
      return at::batch_norm(input, weight, bias, runningMean, runningVar, is_training(), momentum_, eps_, true);
    case NormKind::Instance: return at::instance_norm(input, weight, bias, {}, {}, true, momentum_, eps_, true);
    case NormKind::Group: return at::group_norm(input, groups_, weight, bias, eps_, true);
  }
  return input;
}

}  // namespace skipseg::nn
