#include "skipseg/inference/SlidingWindow.h"

#include "skipseg/core/Error.h"
#include "skipseg/inference/TileGrid.h"

#include <ATen/ATen.h>
#include <spdlog/spdlog.h>
#include <torch/cuda.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <sstream>

namespace skipseg::inference {
namespace {

constexpr double kGaussianSigmaScale = 1.0 / 8.0;  // nnU-Net's and MONAI's sigma: patch / 8

std::string shapeText(at::IntArrayRef sizes) {
  std::ostringstream text;
  for (std::size_t a = 0; a < sizes.size(); ++a) {
    text << (a ? "x" : "") << sizes[a];
  }
  return text.str();
}

/// The patch-sized region of `tensor` at `origin`, its spatial axes starting at dimension 2.
at::Tensor region(at::Tensor tensor, const std::vector<int64_t>& origin, const std::vector<int64_t>& patch) {
  for (std::size_t axis = 0; axis < origin.size(); ++axis) {
    tensor = tensor.narrow(static_cast<int64_t>(axis) + 2, origin[axis], patch[axis]);
  }
  return tensor;
}

void checkOptions(const at::Tensor& input, const SlidingWindowOptions& options) {
  const int64_t spatialDims = input.dim() - 2;
  if (spatialDims != 2 && spatialDims != 3) {
    throw internalError("sliding window needs a tensor [N, C, spatial...] with 2 or 3 spatial axes, got " +
                        shapeText(input.sizes()));
  }
  if (static_cast<int64_t>(options.patchSize.size()) != spatialDims) {
    throw internalError("sliding window: patch size has " + std::to_string(options.patchSize.size()) + " entries for " +
                        std::to_string(spatialDims) + " spatial axes");
  }
  if (options.tileBatch < 1) {
    throw internalError("sliding window with a tile batch of " + std::to_string(options.tileBatch));
  }
  for (const int64_t axis : options.mirrorAxes) {
    if (axis < 0 || axis >= spatialDims) {
      throw usageError("mirror axis " + std::to_string(axis) + " is not a spatial axis 0.." +
                       std::to_string(spatialDims - 1));
    }
  }
}

void synchronise(const c10::Device& device) {
  if (device.is_cuda()) {
    torch::cuda::synchronize(device.index());
  }
}

/// The 1D Gaussian of one patch axis, scaled to a maximum of 1 and clamped to its smallest positive
/// value (so no voxel ends up with zero weight); float32.
at::Tensor gaussianProfile(int64_t extent, double sigmaScale) {
  const double centre = static_cast<double>(extent - 1) / 2.0;
  const double sigma = sigmaScale * static_cast<double>(extent);
  const at::Tensor distance = (at::arange(extent, at::kDouble) - centre) / sigma;
  at::Tensor profile = at::exp(-0.5 * distance * distance);
  profile.div_(profile.max());
  const at::Tensor positive = profile.masked_select(profile > 0);
  profile.clamp_min_(positive.min().item<double>());
  return profile.to(at::kFloat);
}

/// The blended sums, allocated once the class count is known, and the summed importance per voxel.
/// The importance map is a product of per-axis profiles and the tiles a product of per-axis origins,
/// so the summed importance is the product of per-axis sums: three short vectors instead of a
/// volume-sized tensor (44 MB for the benchmark's 244 x 202 x 224 grid).
struct Accumulator {
  at::Tensor sums;                      // [N, K, padded...]
  std::vector<at::Tensor> axisWeights;  // per spatial axis: [padded[axis]], the sum of its profiles
  at::Tensor importance;                // [patch...]

  void allocate(const std::vector<int64_t>& shape, c10::Device device, const at::Tensor& gaussian) {
    sums = at::zeros(shape, at::TensorOptions().dtype(at::kFloat).device(device));
    importance = gaussian.to(device);
  }

  void sumAxisWeights(const std::vector<int64_t>& padded, const std::vector<int64_t>& patch, double overlap,
                      double sigmaScale) {
    axisWeights.clear();
    for (std::size_t axis = 0; axis < padded.size(); ++axis) {
      at::Tensor weights = at::zeros({padded[axis]}, at::kFloat);
      const at::Tensor profile = gaussianProfile(patch[axis], sigmaScale);
      for (const int64_t start : tileStarts(padded[axis], patch[axis], overlap)) {
        weights.narrow(0, start, patch[axis]).add_(profile);
      }
      axisWeights.push_back(weights.to(sums.device()));
    }
  }

  /// sums / (summed importance), axis by axis, in place.
  at::Tensor normalised() {
    for (std::size_t axis = 0; axis < axisWeights.size(); ++axis) {
      std::vector<int64_t> shape(static_cast<std::size_t>(sums.dim()), 1);
      shape[axis + 2] = axisWeights[axis].size(0);
      sums.div_(axisWeights[axis].reshape(shape));
    }
    return sums;
  }
};

/// Where each tile's network output comes from. A tile whose input is one constant value per channel
/// (air around the body after clipping, zero background) gives exactly the output of any other tile
/// with the same constant input, wherever it lies: the network sees identical numbers. Such tiles are
/// computed once and the output blended at every place that shares it.
struct TilePlan {
  std::vector<int64_t> toCompute;                      // tile indices the network runs on, in order
  std::map<int64_t, std::vector<int64_t>> sharedWith;  // computed tile -> later tiles reusing its output
  int64_t reused = 0;
};

bool scannedInPlace(const at::Tensor& tile) {
  return tile.is_cpu() && tile.scalar_type() == at::kFloat && (tile.dim() == 4 || tile.dim() == 5);
}

/// The value of each channel when the float32 CPU `tile` ([1, C, patch...]) holds one value per channel;
/// nothing otherwise. The tile is scanned directly and the scan stops at the first differing voxel (at
/// once, for most tiles).
std::optional<std::vector<float>> constantValues(const at::Tensor& tile) {
  const int64_t channels = tile.size(1);
  std::vector<float> values(static_cast<std::size_t>(channels));
  // [1, C, (d0,) d1, d2] walked by its strides, without a copy of the view.
  const bool volume = tile.dim() == 5;
  const int64_t outer = volume ? tile.size(2) : 1, middle = tile.size(-2), inner = tile.size(-1);
  const int64_t outerStride = volume ? tile.stride(2) : 0, middleStride = tile.stride(-2),
                innerStride = tile.stride(-1);
  for (int64_t c = 0; c < channels; ++c) {
    const float* channel = tile.data_ptr<float>() + c * tile.stride(1);
    const float value = channel[0];
    for (int64_t a = 0; a < outer; ++a) {
      for (int64_t m = 0; m < middle; ++m) {
        const float* row = channel + a * outerStride + m * middleStride;
        for (int64_t i = 0; i < inner; ++i) {
          if (row[i * innerStride] != value) {
            return std::nullopt;
          }
        }
      }
    }
    values[static_cast<std::size_t>(c)] = value;
  }
  return values;
}

/// constantValues for every tile of a GPU (or non-float32) volume: per-channel minima and maxima in
/// float32 (the CPU's min/max kernels lack bfloat16 in some LibTorch versions), computed for all tiles
/// on the device and copied to the host once, so the device is not waited for tile by tile.
std::vector<std::optional<std::vector<float>>> constantValuesOnDevice(const std::vector<at::Tensor>& tiles) {
  std::vector<at::Tensor> lows, highs;
  for (const at::Tensor& tile : tiles) {
    const at::Tensor flat = tile.flatten(2)[0].to(at::kFloat);
    lows.push_back(flat.amin(1));
    highs.push_back(flat.amax(1));
  }
  const at::Tensor low = at::stack(lows).to(at::kCPU).contiguous();
  const at::Tensor high = at::stack(highs).to(at::kCPU).contiguous();
  const int64_t channels = low.size(1);
  std::vector<std::optional<std::vector<float>>> values(tiles.size());
  for (std::size_t tile = 0; tile < tiles.size(); ++tile) {
    const float* lowest = low.data_ptr<float>() + static_cast<int64_t>(tile) * channels;
    const float* highest = high.data_ptr<float>() + static_cast<int64_t>(tile) * channels;
    if (std::equal(lowest, lowest + channels, highest)) {
      values[tile] = std::vector<float>(lowest, lowest + channels);
    }
  }
  return values;
}

TilePlan planTiles(const at::Tensor& volume, const std::vector<std::vector<int64_t>>& origins,
                   const std::vector<int64_t>& patch) {
  const auto tilesPerEntry = static_cast<int64_t>(origins.size());
  const int64_t totalTiles = volume.size(0) * tilesPerEntry;
  std::vector<at::Tensor> tiles;
  for (int64_t tile = 0; tile < totalTiles; ++tile) {
    tiles.push_back(region(volume.narrow(0, tile / tilesPerEntry, 1), origins[tile % tilesPerEntry], patch));
  }
  std::vector<std::optional<std::vector<float>>> keys;
  if (!tiles.empty() && scannedInPlace(tiles.front())) {
    for (const at::Tensor& tile : tiles) keys.push_back(constantValues(tile));
  } else if (!tiles.empty()) {
    keys = constantValuesOnDevice(tiles);
  }
  TilePlan plan;
  std::map<std::vector<float>, int64_t> firstTileOfConstant;
  for (int64_t tile = 0; tile < totalTiles; ++tile) {
    const auto& key = keys[static_cast<std::size_t>(tile)];
    if (!key) {
      plan.toCompute.push_back(tile);
      continue;
    }
    const auto known = firstTileOfConstant.find(*key);
    if (known == firstTileOfConstant.end()) {
      firstTileOfConstant.emplace(*key, tile);
      plan.toCompute.push_back(tile);
    } else {
      plan.sharedWith[known->second].push_back(tile);
      ++plan.reused;
    }
  }
  return plan;
}

}  // namespace

at::Tensor gaussianImportanceMap(const std::vector<int64_t>& patchSize, double sigmaScale) {
  at::Tensor map = at::ones({1}, at::kFloat);
  for (std::size_t axis = 0; axis < patchSize.size(); ++axis) {
    std::vector<int64_t> shape(patchSize.size(), 1);
    shape[axis] = patchSize[axis];
    map = map * gaussianProfile(patchSize[axis], sigmaScale).reshape(shape);
  }
  return map.reshape(patchSize).contiguous();
}

at::Tensor mirroredForward(const Network& network, const at::Tensor& batch, const std::vector<int64_t>& spatialAxes,
                           int64_t* forwardPasses) {
  const int64_t flips = int64_t{1} << spatialAxes.size();
  at::Tensor sum;
  for (int64_t mask = 0; mask < flips; ++mask) {
    std::vector<int64_t> dims;
    for (std::size_t bit = 0; bit < spatialAxes.size(); ++bit) {
      if (mask & (int64_t{1} << bit)) {
        dims.push_back(spatialAxes[bit] + 2);
      }
    }
    at::Tensor output = network(dims.empty() ? batch : batch.flip(dims));
    if (forwardPasses) {
      ++*forwardPasses;
    }
    if (!dims.empty()) {
      output = output.flip(dims);
    }
    // The first output is copied: the callable may hand back a tensor it still uses.
    sum = sum.defined() ? sum.add_(output.to(at::kFloat)) : output.to(at::kFloat, false, flips > 1);
  }
  return flips > 1 ? sum.div_(static_cast<double>(flips)) : sum;
}

at::Tensor slidingWindowInference(const at::Tensor& input, const Network& network, const SlidingWindowOptions& options,
                                  ProgressReporter& progress, SlidingWindowStatistics* statistics) {
  checkOptions(input, options);
  const auto spatialDims = static_cast<std::size_t>(input.dim() - 2);
  const std::vector<int64_t>& patch = options.patchSize;

  // Pad every axis shorter than the patch evenly on both sides; the padding is cropped off at the end.
  std::vector<int64_t> size(spatialDims), padded(spatialDims), padBefore(spatialDims, 0), padding;
  for (std::size_t axis = spatialDims; axis-- > 0;) {
    size[axis] = input.size(static_cast<int64_t>(axis) + 2);
    const int64_t missing = std::max<int64_t>(0, patch[axis] - size[axis]);
    padBefore[axis] = missing / 2;
    padded[axis] = size[axis] + missing;
    padding.push_back(padBefore[axis]);
    padding.push_back(missing - padBefore[axis]);
  }
  at::Tensor volume = input.to(options.device, options.networkDtype);
  if (padded != size) {
    volume = at::constant_pad_nd(volume, padding, 0.0);
  }

  const auto origins = tileOrigins(padded, patch, options.overlap);
  const auto tilesPerEntry = static_cast<int64_t>(origins.size());
  const int64_t totalTiles = volume.size(0) * tilesPerEntry;
  const at::Tensor gaussian = gaussianImportanceMap(patch, kGaussianSigmaScale);
  Accumulator accumulator;
  SlidingWindowStatistics local;
  const TilePlan plan = planTiles(volume, origins, patch);
  const auto computeCount = static_cast<int64_t>(plan.toCompute.size());
  int64_t blendedTiles = 0;
  // On a GPU the host queues the next tiles while the device computes: no wait per batch, so the
  // network's time there is the whole tile loop's (forward passes and blending overlap).
  const bool asynchronous = options.device.is_cuda();
  const auto loopStart = std::chrono::steady_clock::now();

  for (int64_t first = 0; first < computeCount; first += options.tileBatch) {
    const int64_t count = std::min<int64_t>(options.tileBatch, computeCount - first);
    std::vector<at::Tensor> tiles;
    for (int64_t index = first; index < first + count; ++index) {
      const int64_t tile = plan.toCompute[static_cast<std::size_t>(index)];
      tiles.push_back(region(volume.narrow(0, tile / tilesPerEntry, 1), origins[tile % tilesPerEntry], patch));
    }
    const at::Tensor batch = at::cat(tiles, 0);

    const auto start = std::chrono::steady_clock::now();
    at::Tensor output = mirroredForward(network, batch, options.mirrorAxes, &local.forwardPasses);
    if (!asynchronous) {
      local.networkSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }

    if (output.dim() != batch.dim() || output.size(0) != count ||
        output.sizes().slice(2).vec() != batch.sizes().slice(2).vec()) {
      throw internalError("the network returned " + shapeText(output.sizes()) + " for tiles " +
                          shapeText(batch.sizes()) + " (expected [tiles, classes, same spatial size])");
    }
    if (!accumulator.sums.defined()) {
      std::vector<int64_t> shape{volume.size(0), output.size(1)};
      shape.insert(shape.end(), padded.begin(), padded.end());
      c10::Device target = options.accumulateOnDevice ? options.device : c10::Device(c10::kCPU);
      const bool blendIntoCaller = options.blendInto.defined() && target.is_cpu() && padded == size &&
                                   options.blendInto.sizes().vec() == shape &&
                                   options.blendInto.scalar_type() == at::kFloat && options.blendInto.device().is_cpu();
      try {
        accumulator.allocate(blendIntoCaller ? std::vector<int64_t>{1} : shape, target, gaussian);
        if (blendIntoCaller) {
          accumulator.sums = options.blendInto;
          accumulator.sums.zero_();
        }
      } catch (const c10::Error&) {
        if (target.is_cpu()) {
          throw;
        }
        spdlog::warn("not enough memory on {} to blend {} outputs: blending on the CPU", target.str(),
                     shapeText(shape));
        target = c10::Device(c10::kCPU);
        accumulator.allocate(shape, target, gaussian);
      }
      accumulator.sumAxisWeights(padded, patch, options.overlap, kGaussianSigmaScale);
      local.accumulationDevice = target.str();
    }
    // (A fused addcmul_ was 1 s slower here: the sums are often a permuted view of the caller's buffer.)
    const at::Tensor weighted = output.to(accumulator.sums.device()) * accumulator.importance;
    for (int64_t index = first; index < first + count; ++index) {
      const int64_t tile = plan.toCompute[static_cast<std::size_t>(index)];
      std::vector<int64_t> places{tile};
      const auto shared = plan.sharedWith.find(tile);
      if (shared != plan.sharedWith.end()) {
        places.insert(places.end(), shared->second.begin(), shared->second.end());
      }
      for (const int64_t place : places) {
        region(accumulator.sums.narrow(0, place / tilesPerEntry, 1), origins[place % tilesPerEntry], patch)
            .add_(weighted.narrow(0, index - first, 1));
      }
      blendedTiles += static_cast<int64_t>(places.size());
    }
    progress.update(static_cast<double>(blendedTiles) / static_cast<double>(totalTiles),
                    std::to_string(blendedTiles) + "/" + std::to_string(totalTiles) + " tiles");
  }
  if (asynchronous) {
    synchronise(options.device);
    local.networkSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - loopStart).count();
  }
  local.tiles += totalTiles;
  local.reusedTiles += plan.reused;

  at::Tensor blended = accumulator.normalised();
  if (padded != size) {
    for (std::size_t axis = 0; axis < spatialDims; ++axis) {
      blended = blended.narrow(static_cast<int64_t>(axis) + 2, padBefore[axis], size[axis]);
    }
    blended = blended.contiguous();
  }
  if (statistics) {
    statistics->tiles += local.tiles;
    statistics->reusedTiles += local.reusedTiles;
    statistics->forwardPasses += local.forwardPasses;
    statistics->networkSeconds += local.networkSeconds;
    statistics->accumulationDevice = local.accumulationDevice;
  }
  return blended;
}

at::Tensor slidingWindowSliceBySlice(const at::Tensor& input, int64_t sliceAxis, const Network& network,
                                     const SlidingWindowOptions& options, ProgressReporter& progress,
                                     SlidingWindowStatistics* statistics) {
  if (input.dim() != 5 || input.size(0) != 1) {
    throw internalError("slice-by-slice inference needs a volume [1, C, s0, s1, s2], got " + shapeText(input.sizes()));
  }
  if (sliceAxis < 0 || sliceAxis > 2) {
    throw internalError("slice axis must be a spatial axis 0..2, got " + std::to_string(sliceAxis));
  }
  // [C, s0, s1, s2] -> [slices, C, a, b]: the slices become the batch, so several share a forward pass.
  std::vector<int64_t> toSlices{sliceAxis + 1, 0};
  for (int64_t dim = 1; dim <= 3; ++dim) {
    if (dim != sliceAxis + 1) {
      toSlices.push_back(dim);
    }
  }
  const at::Tensor slices = input.select(0, 0).permute(toSlices);
  const at::Tensor output = slidingWindowInference(slices, network, options, progress, statistics);
  // [slices, K, a, b] -> [K, s0, s1, s2]
  std::vector<int64_t> back{1};
  int64_t next = 2;
  for (int64_t axis = 0; axis < 3; ++axis) {
    back.push_back(axis == sliceAxis ? 0 : next++);
  }
  return output.permute(back).unsqueeze(0).contiguous();
}

}  // namespace skipseg::inference
