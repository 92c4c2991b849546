#pragma once
// Loss scaling for float16 autocast (GPUs without bfloat16, e.g. V100, T4): float16 gradients of small
// losses underflow to zero, so the loss is multiplied by a large factor before the backward pass and the
// gradients divided by it before the step. A step whose gradients overflowed (inf or NaN) is skipped and
// the factor halved; after `growthInterval` good steps in a row it is doubled. The same rule and defaults
// as PyTorch's torch.amp.GradScaler (initial 2^16, growth 2, backoff 0.5, interval 2000).
#include "skipseg/core/JsonFile.h"

#include <ATen/ATen.h>

#include <vector>

namespace skipseg::training {

class GradientScaler {
 public:
  explicit GradientScaler(double initialScale = 65536.0, int growthInterval = 2000);

  /// The loss times the current factor, to call backward() on.
  at::Tensor scale(const at::Tensor& loss) const;
  /// Divides every gradient of `parameters` by the factor, in place; returns whether all of them are
  /// finite (the one point where the host waits for the device: the step depends on it).
  bool unscale(const std::vector<at::Tensor>& parameters) const;
  /// After a step (taken when `finite`, skipped otherwise): halves the factor after an overflow, doubles
  /// it after growthInterval finite steps in a row.
  void update(bool finite);

  double factor() const { return scale_; }
  /// The state a checkpoint keeps, so that a resumed run scales exactly as an uninterrupted one.
  Json toJson() const;
  void restore(const Json& state);

 private:
  double scale_;
  int growthInterval_;
  int goodSteps_ = 0;
};

}  // namespace skipseg::training
