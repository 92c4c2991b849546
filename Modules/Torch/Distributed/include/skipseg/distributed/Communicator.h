#pragma once
// The ranks of a data-parallel job and the collectives training needs, on PyTorch's c10d: a TCPStore for
// the rendezvous (served by rank 0, or by torchrun's agent), ProcessGroupGloo for CPU tensors and
// ProcessGroupNCCL for CUDA tensors (when LibTorch was built with NCCL). No c10d header is visible here:
// its API differs between LibTorch 1.13 and 2.x, and only Communicator.cxx deals with that.
//
// Failures: every collective waits at most `timeout`. Each rank also beats a heartbeat into the store;
// when a collective fails or times out, the ranks whose heartbeat stopped are named in the error
// ("lost rank 1 of 2 ..."), which is a skipseg::Error with ExitCode::Failure.
#include "skipseg/distributed/LaunchEnvironment.h"

#include <ATen/core/Tensor.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace skipseg::distributed {

struct CommunicatorOptions {
  std::string backend = "gloo";  ///< "gloo" (CPU tensors) or "nccl" (CUDA tensors)
  /// How long a collective (and the rendezvous) may wait for the other ranks.
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
};

/// True when this LibTorch build has the backend ("gloo", "nccl") compiled in.
bool backendAvailable(const std::string& backend);

class Communicator {
 public:
  /// Joins the job: rendezvous, then the process group. Throws a usage error for an unknown or unavailable
  /// backend, and an error naming MASTER_ADDR:MASTER_PORT when the other ranks do not arrive in time.
  static std::shared_ptr<Communicator> connect(const LaunchEnvironment& environment,
                                               const CommunicatorOptions& options = {});
  ~Communicator();
  Communicator(const Communicator&) = delete;
  Communicator& operator=(const Communicator&) = delete;

  int rank() const;
  int worldSize() const;
  const std::string& backend() const;

  /// Copies rank `root`'s tensors into every rank's (same shapes on every rank), in place.
  void broadcast(std::vector<at::Tensor> tensors, int root = 0);
  /// Sums `tensor` over the ranks, in place; returns when done.
  void allreduceSum(at::Tensor& tensor);
  /// Starts summing `tensor` in place; the returned function waits for the result. Collectives must be
  /// started in the same order on every rank.
  std::function<void()> startAllreduceSum(at::Tensor& tensor);
  /// Waits until every rank has called barrier(name), for as long as every rank is alive (no time limit:
  /// for work of unknown length such as preprocessing). Fails naming a rank whose heartbeat stopped.
  void barrier(const std::string& name);

  /// Seconds this rank spent blocked in collectives so far (communication not hidden behind computation).
  double blockedSeconds() const;

 private:
  struct Implementation;
  explicit Communicator(std::unique_ptr<Implementation> implementation);
  std::unique_ptr<Implementation> implementation_;
};

/// The sum of `input` over the ranks, differentiable: the gradient that flows back to each rank's input is
/// the output's gradient times the world size, because every rank computes the same function of the sum and
/// the trainer averages gradients over the ranks (so each rank's share of d(loss)/d(sum) is restored in full).
at::Tensor differentiableSumAcrossRanks(const at::Tensor& input, Communicator& communicator);

}  // namespace skipseg::distributed
