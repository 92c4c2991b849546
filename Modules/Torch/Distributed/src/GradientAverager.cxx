#include "skipseg/distributed/GradientAverager.h"

#include "skipseg/core/Error.h"

#include <ATen/ATen.h>

#include <functional>

namespace skipseg::distributed {

struct GradientAverager::Bucket {
  std::vector<std::size_t> parameters;  // indices into parameters_
  std::vector<std::int64_t> offsets;    // each parameter's first element in `flat`
  at::Tensor flat;                      // the bucket's gradients, one after the other
  std::vector<bool> arrived;            // this iteration
  std::size_t arrivedCount = 0;
  std::function<void()> wait;  // set once the allreduce started
};

GradientAverager::GradientAverager(std::shared_ptr<Communicator> communicator, std::vector<at::Tensor> parameters,
                                   std::size_t bucketBytes)
    : communicator_(std::move(communicator)), parameters_(std::move(parameters)) {
  if (parameters_.empty()) {
    return;
  }
  const auto options = parameters_.front().options();
  // Reverse order: the backward pass produces the last layers' gradients first.
  std::size_t bytes = 0;
  for (std::size_t k = parameters_.size(); k-- > 0;) {
    const at::Tensor& parameter = parameters_[k];
    if (parameter.scalar_type() != options.dtype().toScalarType() || parameter.device() != options.device()) {
      throw internalError("gradient averaging: parameters of different types or devices");
    }
    const std::size_t parameterBytes = static_cast<std::size_t>(parameter.numel()) * parameter.element_size();
    if (buckets_.empty() || (bytes > 0 && bytes + parameterBytes > bucketBytes)) {
      buckets_.push_back(std::make_unique<Bucket>());
      bytes = 0;
    }
    Bucket& bucket = *buckets_.back();
    bucket.offsets.push_back(
        bucket.parameters.empty() ? 0 : bucket.offsets.back() + parameters_[bucket.parameters.back()].numel());
    bucket.parameters.push_back(k);
    bytes += parameterBytes;
  }
  for (std::size_t b = 0; b < buckets_.size(); ++b) {
    Bucket& bucket = *buckets_[b];
    const std::int64_t size = bucket.offsets.back() + parameters_[bucket.parameters.back()].numel();
    bucket.flat = at::zeros({size}, options);
    bucket.arrived.assign(bucket.parameters.size(), false);
    for (std::size_t slot = 0; slot < bucket.parameters.size(); ++slot) {
      // The hook sees the gradient the backward pass computed for this rank's batch, before it is
      // accumulated into .grad; finish() overwrites .grad with the average.
      at::Tensor& parameter = parameters_[bucket.parameters[slot]];
      hooks_.emplace_back(&parameter, parameter.register_hook([this, b, slot](const at::Tensor& gradient) {
        onGradient(b, slot, gradient);
      }));
    }
  }
}

GradientAverager::~GradientAverager() {
  for (auto& [parameter, hook] : hooks_) {
    parameter->remove_hook(hook);  // the hooks hold `this`
  }
}

std::size_t GradientAverager::bucketCount() const {
  return buckets_.size();
}

void GradientAverager::onGradient(std::size_t b, std::size_t slot, const at::Tensor& gradient) {
  Bucket& bucket = *buckets_[b];
  if (bucket.arrived[slot] || bucket.wait) {
    throw internalError("gradient averaging: a parameter's gradient arrived twice in one backward pass");
  }
  const at::Tensor& parameter = parameters_[bucket.parameters[slot]];
  bucket.flat.narrow(0, bucket.offsets[slot], parameter.numel()).copy_(gradient.reshape(-1));
  bucket.arrived[slot] = true;
  ++bucket.arrivedCount;
  startReadyBuckets();
}

void GradientAverager::startReadyBuckets() {
  // In bucket order on every rank (c10d pairs collectives by the order in which they are started).
  while (nextToStart_ < buckets_.size() &&
         buckets_[nextToStart_]->arrivedCount == buckets_[nextToStart_]->parameters.size()) {
    Bucket& bucket = *buckets_[nextToStart_++];
    bucket.wait = communicator_->startAllreduceSum(bucket.flat);
  }
}

void GradientAverager::finish() {
  // A parameter outside this pass's graph (e.g. the deep-supervision head whose loss weight is 0) sends zeros
  // and keeps its .grad as it was, as in a single process (the optimizer then skips an undefined gradient).
  // Every rank runs the same network and loss, so a parameter unused here is unused on every rank.
  std::vector<std::vector<bool>> used;
  for (auto& bucket : buckets_) {
    used.push_back(bucket->arrived);
    for (std::size_t slot = 0; slot < bucket->parameters.size(); ++slot) {
      if (!bucket->arrived[slot]) {
        bucket->flat.narrow(0, bucket->offsets[slot], parameters_[bucket->parameters[slot]].numel()).zero_();
        bucket->arrived[slot] = true;
        ++bucket->arrivedCount;
      }
    }
  }
  startReadyBuckets();
  const double worldSize = communicator_->worldSize();
  for (std::size_t b = 0; b < buckets_.size(); ++b) {
    auto& bucket = buckets_[b];
    bucket->wait();
    bucket->wait = nullptr;
    for (std::size_t slot = 0; slot < bucket->parameters.size(); ++slot) {
      if (!used[b][slot]) {
        continue;
      }
      at::Tensor& parameter = parameters_[bucket->parameters[slot]];
      const at::Tensor average =
          bucket->flat.narrow(0, bucket->offsets[slot], parameter.numel()).view(parameter.sizes()) / worldSize;
      if (parameter.grad().defined()) {
        parameter.mutable_grad().copy_(average);
      } else {
        parameter.mutable_grad() = average.clone();
      }
    }
    std::fill(bucket->arrived.begin(), bucket->arrived.end(), false);
    bucket->arrivedCount = 0;
  }
  nextToStart_ = 0;
}

}  // namespace skipseg::distributed
