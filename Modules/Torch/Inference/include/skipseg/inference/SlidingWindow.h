#pragma once
// Sliding-window inference over a tensor [N, C, spatial...] (2 or 3 spatial axes) with any network
// callable: tiles with overlap, padding of volumes smaller than a patch, Gaussian blending, several
// tiles per forward pass and test-time mirroring. Torch modules only; the ITK side uses Predictor.h.
#include "skipseg/core/Progress.h"

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace skipseg::inference {

/// A network: [B, C, patch...] in, [B, K, patch...] out (logits or probabilities), same device.
using Network = std::function<at::Tensor(const at::Tensor&)>;

struct SlidingWindowOptions {
  std::vector<int64_t> patchSize;               ///< spatial extents, in the tensor's axis order
  double overlap = 0.5;                         ///< share of a patch that neighbouring tiles have in common, [0, 1)
  int tileBatch = 1;                            ///< tiles per forward pass
  std::vector<int64_t> mirrorAxes;              ///< spatial axes (0-based) flipped for test-time mirroring; empty: off
  c10::Device device = c10::Device(c10::kCPU);  ///< where the network runs
  c10::ScalarType networkDtype = c10::kFloat;   ///< dtype of the tiles handed to the network
  /// Blend on `device` when its memory allows (falls back to the CPU when allocation fails); false: CPU.
  bool accumulateOnDevice = true;
  /// Optional CPU float tensor [N, K, spatial...] (any strides) to blend into when blending happens on
  /// the CPU and no padding is needed: the result is then this tensor, and the caller's memory (e.g. a
  /// VoxelBuffer) receives the scores without a second full-size copy. Ignored otherwise.
  at::Tensor blendInto;
};

struct SlidingWindowStatistics {
  int64_t tiles = 0;  ///< tiles blended (per batch entry, summed over entries)
  /// Of those, tiles whose input was constant and equal to an earlier tile's: the earlier tile's output
  /// was blended again instead of running the network (same input, same output: nothing changes).
  int64_t reusedTiles = 0;
  int64_t forwardPasses = 0;  ///< network calls (mirroring multiplies them)
  /// Wall time inside the network callable on the CPU; on CUDA, where the host queues tiles while the
  /// device computes (no wait per batch), the whole tile loop's time (forward passes and blending).
  double networkSeconds = 0;
  std::string accumulationDevice;
};

/// Blended network output [N, K, spatial...] in float32: each voxel is the mean of the outputs of the
/// tiles covering it, weighted by gaussianImportanceMap(). With mirroring every tile's output is
/// the mean over all 2^m flips of the m mirror axes (flipped back), as nnU-Net does. `input` may be on
/// any device; the result lies on the accumulation device (see statistics->accumulationDevice).
/// Statistics are added to `statistics` when given.
at::Tensor slidingWindowInference(const at::Tensor& input, const Network& network, const SlidingWindowOptions& options,
                                  ProgressReporter& progress, SlidingWindowStatistics* statistics = nullptr);

/// 2D model on a volume: input [1, C, s0, s1, s2], the slices taken across spatial axis `sliceAxis`
/// (0..2), each slice through a 2D sliding window (options.patchSize has 2 entries; slices share
/// forward batches). Returns [1, K, s0, s1, s2].
at::Tensor slidingWindowSliceBySlice(const at::Tensor& input, int64_t sliceAxis, const Network& network,
                                     const SlidingWindowOptions& options, ProgressReporter& progress,
                                     SlidingWindowStatistics* statistics = nullptr);

/// Importance of each voxel of a patch for blending: a Gaussian centred on the patch with
/// sigma = sigmaScale * patch extent per axis, scaled to a maximum of 1 and never zero (so every
/// voxel of a covered volume gets weight). float32, CPU.
at::Tensor gaussianImportanceMap(const std::vector<int64_t>& patchSize, double sigmaScale = 1.0 / 8.0);

/// Test-time mirroring of one batch: mean over every subset of `spatialAxes` (the empty one included)
/// of flip(network(flip(batch))), in float32. Adds the network calls made to `forwardPasses`.
at::Tensor mirroredForward(const Network& network, const at::Tensor& batch, const std::vector<int64_t>& spatialAxes,
                           int64_t* forwardPasses = nullptr);

}  // namespace skipseg::inference
