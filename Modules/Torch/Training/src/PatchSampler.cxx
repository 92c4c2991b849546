#include "skipseg/training/PatchSampler.h"

#include "skipseg/core/Error.h"

#include <ATen/ATen.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace skipseg::training {
namespace {

// Enough voxels per class to centre patches anywhere in a structure, few enough to stay small.
constexpr std::size_t kMaxIndexedVoxelsPerClass = 20000;
// The stream of batchSeed() that gives each sample of a batch its generator.
constexpr std::uint64_t kSampleStream = 3;

std::int64_t drawBetween(std::mt19937_64& generator, std::int64_t low, std::int64_t high) {
  return low + static_cast<std::int64_t>(generator() % static_cast<std::uint64_t>(high - low + 1));
}

}  // namespace

std::uint64_t batchSeed(std::uint64_t runSeed, std::uint64_t stream, std::uint64_t epoch, std::uint64_t iteration) {
  std::uint64_t state = runSeed;
  for (std::uint64_t part : {stream, epoch, iteration}) {
    state += 0x9E3779B97F4A7C15ULL + part;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    state = z ^ (z >> 31);
  }
  return state;
}

PatchSampler::PatchSampler(std::shared_ptr<const std::vector<TrainingCase>> cases, SamplingOptions options)
    : cases_(std::move(cases)), options_(std::move(options)) {
  if (!cases_ || cases_->empty()) {
    throw internalError("patch sampler without cases");
  }
  if (options_.shardCount < 1 || options_.shardIndex < 0 || options_.shardIndex >= options_.shardCount ||
      options_.batchSize % options_.shardCount != 0) {
    throw internalError("patch sampler: batch " + std::to_string(options_.batchSize) + " cannot be split in " +
                        std::to_string(options_.shardCount) + " shards");
  }
  if (options_.patchSize.size() == 3) {
    patch3d_ = {options_.patchSize[0], options_.patchSize[1], options_.patchSize[2]};
  } else if (options_.patchSize.size() == 2) {
    patch3d_ = {1, options_.patchSize[0], options_.patchSize[1]};
  } else {
    throw internalError("patch size needs 2 or 3 entries");
  }
  for (const auto& trainingCase : *cases_) {
    int classes = 0;
    for (std::uint8_t value : trainingCase.labels) {
      classes = std::max<int>(classes, value);
    }
    std::vector<std::vector<std::int64_t>> all(static_cast<std::size_t>(classes) + 1);
    for (std::size_t v = 0; v < trainingCase.labels.size(); ++v) {
      if (trainingCase.labels[v] > 0) {
        all[trainingCase.labels[v]].push_back(static_cast<std::int64_t>(v));
      }
    }
    ForegroundIndex index;
    for (auto& voxels : all) {
      if (voxels.empty()) {
        continue;
      }
      const std::size_t stride = (voxels.size() + kMaxIndexedVoxelsPerClass - 1) / kMaxIndexedVoxelsPerClass;
      std::vector<std::int64_t> kept;
      for (std::size_t i = 0; i < voxels.size(); i += stride) {
        kept.push_back(voxels[i]);
      }
      index.voxelsPerClass.push_back(std::move(kept));
    }
    foreground_.push_back(std::move(index));
  }
}

void PatchSampler::extract(const TrainingCase& trainingCase, const std::array<std::int64_t, 3>& start, float* image,
                           std::uint8_t* label) const {
  const auto& shape = trainingCase.shape;
  const std::int64_t patchVoxels = patch3d_[0] * patch3d_[1] * patch3d_[2];
  std::fill(image, image + patchVoxels * trainingCase.channels, 0.0f);
  std::fill(label, label + patchVoxels, std::uint8_t{0});
  for (std::int64_t z = 0; z < patch3d_[0]; ++z) {
    const std::int64_t sz = start[0] + z;
    if (sz < 0 || sz >= shape[0]) {
      continue;
    }
    for (std::int64_t y = 0; y < patch3d_[1]; ++y) {
      const std::int64_t sy = start[1] + y;
      if (sy < 0 || sy >= shape[1]) {
        continue;
      }
      const std::int64_t x0 = std::max<std::int64_t>(0, -start[2]);
      const std::int64_t x1 = std::min<std::int64_t>(patch3d_[2], shape[2] - start[2]);
      if (x1 <= x0) {
        continue;
      }
      const std::int64_t source = (sz * shape[1] + sy) * shape[2] + start[2] + x0;
      const std::int64_t target = (z * patch3d_[1] + y) * patch3d_[2] + x0;
      std::copy_n(trainingCase.labels.data() + source, x1 - x0, label + target);
      for (std::int64_t c = 0; c < trainingCase.channels; ++c) {
        std::copy_n(trainingCase.image.data() + c * trainingCase.voxelCount() + source, x1 - x0,
                    image + c * patchVoxels + target);
      }
    }
  }
}

Batch PatchSampler::sample(std::uint64_t seed) const {
  const int batchSize = options_.batchSize;
  const auto forcedCount = static_cast<int>(std::lround(batchSize * options_.foregroundFraction));
  const int shardSize = batchSize / options_.shardCount;
  std::vector<at::Tensor> images, labels;
  for (int b = options_.shardIndex * shardSize; b < (options_.shardIndex + 1) * shardSize; ++b) {
    std::mt19937_64 generator(batchSeed(seed, kSampleStream, 0, static_cast<std::uint64_t>(b)));
    const std::size_t caseIndex = static_cast<std::size_t>(generator() % cases_->size());
    const TrainingCase& trainingCase = (*cases_)[caseIndex];
    const auto& foreground = foreground_[caseIndex].voxelsPerClass;
    // The last third of a batch holds foreground; a batch of one does with that probability.
    const bool forced =
        batchSize == 1 ? uniform(generator, 0.0, 1.0) < options_.foregroundFraction : b >= batchSize - forcedCount;
    std::array<std::int64_t, 3> start{};
    std::array<std::int64_t, 3> center{-1, -1, -1};
    if (forced && !foreground.empty()) {
      const auto& voxels = foreground[generator() % foreground.size()];
      std::int64_t flat = voxels[generator() % voxels.size()];
      center[2] = flat % trainingCase.shape[2];
      flat /= trainingCase.shape[2];
      center[1] = flat % trainingCase.shape[1];
      center[0] = flat / trainingCase.shape[1];
    }
    for (std::size_t a = 0; a < 3; ++a) {
      const std::int64_t low = std::min<std::int64_t>(0, trainingCase.shape[a] - patch3d_[a]);
      const std::int64_t high = std::max<std::int64_t>(0, trainingCase.shape[a] - patch3d_[a]);
      start[a] =
          center[a] >= 0 ? std::clamp(center[a] - patch3d_[a] / 2, low, high) : drawBetween(generator, low, high);
    }
    at::Tensor image = at::empty({trainingCase.channels, patch3d_[0], patch3d_[1], patch3d_[2]}, at::kFloat);
    at::Tensor label = at::empty({patch3d_[0], patch3d_[1], patch3d_[2]}, at::kByte);
    extract(trainingCase, start, image.data_ptr<float>(), label.data_ptr<std::uint8_t>());
    if (options_.patchSize.size() == 2) {
      image = image.squeeze(1);
      label = label.squeeze(0);
    }
    augmentSample(image, label, generator, options_.augmentation);
    images.push_back(image);
    labels.push_back(label);
  }
  return Batch{at::stack(images), at::stack(labels).to(at::kLong)};
}

BatchLoader::BatchLoader(const PatchSampler& sampler, int threads, int prefetch, bool pinMemory)
    : sampler_(sampler), threadCount_(std::max(0, threads)), prefetch_(std::max(1, prefetch)), pinMemory_(pinMemory) {
  for (int t = 0; t < threadCount_; ++t) {
    workers_.emplace_back([this] { work(); });
  }
}

BatchLoader::~BatchLoader() {
  stopWorkers();
}

void BatchLoader::stopWorkers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& worker : workers_) {
    worker.join();
  }
  workers_.clear();
}

void BatchLoader::start(std::vector<std::uint64_t> seeds) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++generation_;
    seeds_ = std::move(seeds);
    nextToMake_ = nextToTake_ = 0;
    ready_.clear();
  }
  changed_.notify_all();
}

Batch BatchLoader::make(std::uint64_t seed) {
  Batch batch = sampler_.sample(seed);
  if (pinMemory_) {
    try {
      batch.image = batch.image.pin_memory();
      batch.target = batch.target.pin_memory();
    } catch (const c10::Error& error) {
      pinMemory_ = false;  // e.g. no CUDA driver: the copies then simply wait
      spdlog::warn("training batches stay in pageable memory: {}", oneLine(error.what_without_backtrace()));
    }
  }
  return batch;
}

void BatchLoader::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    changed_.wait(lock, [this] {
      return stopping_ ||
             (nextToMake_ < seeds_.size() && nextToMake_ < nextToTake_ + static_cast<std::size_t>(prefetch_));
    });
    if (stopping_) {
      return;
    }
    const std::size_t index = nextToMake_++;
    const std::uint64_t generation = generation_;
    const std::uint64_t seed = seeds_[index];
    lock.unlock();
    Batch batch;
    std::exception_ptr failure;
    try {
      batch = make(seed);
    } catch (...) {
      failure = std::current_exception();
    }
    lock.lock();
    if (generation == generation_) {
      if (failure) {
        failure_ = failure;
      } else {
        ready_[index] = std::move(batch);
      }
      changed_.notify_all();
    }
  }
}

Batch BatchLoader::next() {
  const auto begin = std::chrono::steady_clock::now();
  Batch batch;
  if (threadCount_ == 0) {
    if (nextToTake_ >= seeds_.size()) {
      throw internalError("batch loader: more batches taken than seeds given");
    }
    batch = make(seeds_[nextToTake_++]);
  } else {
    std::unique_lock<std::mutex> lock(mutex_);
    if (nextToTake_ >= seeds_.size()) {
      throw internalError("batch loader: more batches taken than seeds given");
    }
    changed_.wait(lock, [this] { return failure_ || ready_.count(nextToTake_) > 0; });
    if (failure_) {
      std::rethrow_exception(failure_);
    }
    batch = std::move(ready_[nextToTake_]);
    ready_.erase(nextToTake_);
    ++nextToTake_;
    lock.unlock();
    changed_.notify_all();
  }
  waitSeconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  return batch;
}

}  // namespace skipseg::training
