#pragma once
// Averages the gradients of a model over the ranks, as PyTorch's DistributedDataParallel does: parameters
// are grouped in buckets (in reverse order of registration, roughly the order in which the backward pass
// produces their gradients); a hook on each parameter copies its gradient into its bucket, and a full bucket
// starts its allreduce at once, while the backward pass goes on with earlier layers. finish() starts what is
// left, waits, and writes the averages into the parameters' .grad.
#include "skipseg/distributed/Communicator.h"

#include <ATen/core/Tensor.h>

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace skipseg::distributed {

class GradientAverager {
 public:
  /// `parameters`: the trainable tensors, the same list in the same order on every rank.
  /// `bucketBytes`: gradient bytes per allreduce (DistributedDataParallel's default is 25 MiB).
  GradientAverager(std::shared_ptr<Communicator> communicator, std::vector<at::Tensor> parameters,
                   std::size_t bucketBytes = 25u << 20);
  ~GradientAverager();
  GradientAverager(const GradientAverager&) = delete;
  GradientAverager& operator=(const GradientAverager&) = delete;

  /// After loss.backward(): every parameter's .grad becomes the mean over the ranks; a parameter that got
  /// no gradient in this pass keeps its .grad (the same network and loss run on every rank, so it got none
  /// anywhere).
  void finish();
  std::size_t bucketCount() const;

 private:
  struct Bucket;
  void onGradient(std::size_t bucket, std::size_t slot, const at::Tensor& gradient);
  void startReadyBuckets();

  std::shared_ptr<Communicator> communicator_;
  std::vector<at::Tensor> parameters_;
  std::vector<std::unique_ptr<Bucket>> buckets_;
  std::vector<std::pair<at::Tensor*, unsigned>> hooks_;
  std::size_t nextToStart_ = 0;
};

}  // namespace skipseg::distributed
