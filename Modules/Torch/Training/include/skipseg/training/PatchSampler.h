#pragma once
// Training batches: patches drawn from preprocessed cases with foreground oversampling (the last third
// of every batch is centred on a foreground voxel of a randomly chosen class present in the case),
// augmented, stacked. A batch depends only on its seed, so batches can be made in any thread, in any
// order, and a resumed run draws exactly the batches an uninterrupted one would. Each sample of a batch has
// its own generator, seeded from (batch seed, sample index), so the ranks of a data-parallel job each draw
// their share of a batch (shardIndex of shardCount) and together draw exactly what one process draws.
#include "skipseg/training/Augmentation.h"
#include "skipseg/training/TrainingCase.h"

#include <ATen/core/Tensor.h>

#include <atomic>
#include <condition_variable>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace skipseg::training {

struct SamplingOptions {
  std::vector<std::int64_t> patchSize;  ///< 3 entries (z y x), or 2 (y x) for slices along z
  int batchSize = 2;                    ///< the global batch: summed over the ranks of a data-parallel job
  int shardIndex = 0, shardCount = 1;   ///< this rank draws samples [i * B / n, (i + 1) * B / n) of each batch
  double foregroundFraction = 0.33;     ///< share of each batch forced to contain foreground
  AugmentationOptions augmentation;
};

struct Batch {
  at::Tensor image;   ///< [B, C, patch...] float32
  at::Tensor target;  ///< [B, patch...] int64 class indices
};

class PatchSampler {
 public:
  PatchSampler(std::shared_ptr<const std::vector<TrainingCase>> cases, SamplingOptions options);
  /// This shard's samples of the batch with `seed` (all of it when shardCount is 1).
  Batch sample(std::uint64_t seed) const;
  const SamplingOptions& options() const { return options_; }

 private:
  struct ForegroundIndex {
    std::vector<std::vector<std::int64_t>> voxelsPerClass;  ///< flat indices, subsampled, per class present
  };
  void extract(const TrainingCase& trainingCase, const std::array<std::int64_t, 3>& start, float* image,
               std::uint8_t* label) const;

  std::shared_ptr<const std::vector<TrainingCase>> cases_;
  std::vector<ForegroundIndex> foreground_;
  SamplingOptions options_;
  std::array<std::int64_t, 3> patch3d_{};  ///< z y x; z = 1 for 2D
};

/// Makes batches ahead of the network in `threads` background threads (0: in the caller's thread).
/// Batch i of a sequence is sampler.sample(seeds[i]) whatever the thread count. With `pinMemory` (for a
/// CUDA network) the batches are made in page-locked memory, so that their copy to the device does not
/// hold up the host; where that is impossible they stay in ordinary memory.
class BatchLoader {
 public:
  BatchLoader(const PatchSampler& sampler, int threads, int prefetch = 4, bool pinMemory = false);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  /// Starts a new sequence (drops what was prepared for the previous one).
  void start(std::vector<std::uint64_t> seeds);
  /// The next batch of the sequence, waiting for it when it is not ready.
  Batch next();
  /// Seconds next() spent waiting since construction (the network idled for data).
  double waitSeconds() const { return waitSeconds_; }

 private:
  void work();
  void stopWorkers();
  Batch make(std::uint64_t seed);

  const PatchSampler& sampler_;
  int threadCount_;
  int prefetch_;
  std::atomic<bool> pinMemory_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::uint64_t> seeds_;
  std::size_t nextToMake_ = 0, nextToTake_ = 0;
  std::uint64_t generation_ = 0;
  std::map<std::size_t, Batch> ready_;
  std::exception_ptr failure_;
  bool stopping_ = false;
  double waitSeconds_ = 0;
};

/// A seed for batch `iteration` of `epoch` of stream `stream` (0 training, 1 validation), mixed from the
/// run's seed with SplitMix64 so that neighbouring iterations get unrelated generators.
std::uint64_t batchSeed(std::uint64_t runSeed, std::uint64_t stream, std::uint64_t epoch, std::uint64_t iteration);

}  // namespace skipseg::training
