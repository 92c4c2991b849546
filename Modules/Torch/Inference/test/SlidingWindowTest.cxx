// Sliding-window blending must not change what a network says: one tile equals one whole-volume
// forward, a position-independent network gives the same over many tiles, and padding, batching,
// mirroring and slicing only change the cost.
#include "skipseg/inference/SlidingWindow.h"
#include "skipseg/inference/TileGrid.h"

#include "skipseg/core/Error.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/nn/modules/conv.h>

#include <cmath>

namespace skipseg::inference {
namespace {

SlidingWindowOptions windowOptions(std::vector<int64_t> patch) {
  SlidingWindowOptions options;
  options.patchSize = std::move(patch);
  return options;
}

at::Tensor run(const at::Tensor& input, const Network& network, const SlidingWindowOptions& options,
               SlidingWindowStatistics* statistics = nullptr) {
  return slidingWindowInference(input, network, options, silentProgress(), statistics);
}

/// Two 3x3x3 convolutions: depends on the neighbourhood, so it notices where tiles and borders lie.
struct ConvolutionNetwork {
  torch::nn::Conv3d first{torch::nn::Conv3dOptions(2, 4, 3).padding(1)};
  torch::nn::Conv3d second{torch::nn::Conv3dOptions(4, 3, 3).padding(1)};
  Network network() {
    return [this](const at::Tensor& x) { return second->forward(at::relu(first->forward(x))); };
  }
};

/// A 1x1x1 convolution: each output voxel depends on its own input voxel only.
struct PointwiseNetwork {
  torch::nn::Conv3d conv{torch::nn::Conv3dOptions(2, 3, 1)};
  Network network() {
    return [this](const at::Tensor& x) { return conv->forward(x); };
  }
};

double maxDifference(const at::Tensor& a, const at::Tensor& b) {
  return (a - b).abs().max().item<double>();
}

class SlidingWindow : public ::testing::Test {
 protected:
  void SetUp() override { at::manual_seed(7); }
  at::InferenceMode inference;
};

TEST_F(SlidingWindow, OneTileEqualsOneWholeVolumeForward) {
  ConvolutionNetwork net;
  const at::Tensor volume = at::randn({1, 2, 12, 10, 8});
  const at::Tensor blended = run(volume, net.network(), windowOptions({12, 10, 8}));
  EXPECT_EQ(blended.sizes(), (std::vector<int64_t>{1, 3, 12, 10, 8}));
  EXPECT_LT(maxDifference(blended, net.network()(volume)), 1e-5);
}

TEST_F(SlidingWindow, PointwiseNetworkGivesTheWholeVolumeForwardOverManyTiles) {
  PointwiseNetwork net;
  const at::Tensor volume = at::randn({1, 2, 37, 23, 29});
  SlidingWindowStatistics statistics;
  const at::Tensor blended = run(volume, net.network(), windowOptions({16, 12, 10}), &statistics);
  EXPECT_EQ(statistics.tiles, 4 * 3 * 5);  // ceil(21/8)+1, ceil(11/6)+1, ceil(19/5)+1
  EXPECT_LT(maxDifference(blended, net.network()(volume)), 1e-5);
}

TEST_F(SlidingWindow, EveryVoxelComesBackToItsPlace) {
  // The identity network shows misplaced tiles or a wrong crop at once; sizes straddle the patch.
  const Network identity = [](const at::Tensor& x) { return x * 1.0; };
  const at::Tensor volume = at::randn({1, 2, 9, 31, 5});
  for (const double overlap : {0.0, 0.5, 0.75}) {
    SlidingWindowOptions options = windowOptions({12, 8, 6});
    options.overlap = overlap;
    const at::Tensor blended = run(volume, identity, options);
    ASSERT_EQ(blended.sizes(), volume.sizes());
    EXPECT_LT(maxDifference(blended, volume), 1e-5) << overlap;
  }
}

TEST_F(SlidingWindow, VolumeSmallerThanThePatchIsPaddedAndCroppedBack) {
  PointwiseNetwork net;
  const at::Tensor volume = at::randn({1, 2, 5, 7, 3});
  std::vector<int64_t> seenShape;
  const Network recording = [&](const at::Tensor& x) {
    seenShape = x.sizes().vec();
    return net.network()(x);
  };
  const at::Tensor blended = run(volume, recording, windowOptions({8, 8, 8}));
  EXPECT_EQ(seenShape, (std::vector<int64_t>{1, 2, 8, 8, 8}));  // the network saw a whole patch
  ASSERT_EQ(blended.sizes(), (std::vector<int64_t>{1, 3, 5, 7, 3}));
  EXPECT_LT(maxDifference(blended, net.network()(volume)), 1e-5);
}

TEST_F(SlidingWindow, TileBatchSizeDoesNotChangeTheResult) {
  ConvolutionNetwork net;
  const at::Tensor volume = at::randn({1, 2, 26, 19, 15});
  SlidingWindowOptions options = windowOptions({12, 10, 8});
  const at::Tensor single = run(volume, net.network(), options);
  for (const int batch : {2, 5, 64}) {
    options.tileBatch = batch;
    SlidingWindowStatistics statistics;
    const at::Tensor batched = run(volume, net.network(), options, &statistics);
    EXPECT_LT(maxDifference(batched, single), 1e-5) << batch;
    EXPECT_EQ(statistics.forwardPasses, (statistics.tiles + batch - 1) / batch);
  }
}

TEST_F(SlidingWindow, MirroringAveragesTheFlippedOutputs) {
  ConvolutionNetwork net;
  const Network network = net.network();
  const at::Tensor volume = at::randn({1, 2, 10, 12, 8});
  SlidingWindowOptions options = windowOptions({10, 12, 8});
  options.mirrorAxes = {0, 2};
  SlidingWindowStatistics statistics;
  const at::Tensor mirrored = run(volume, network, options, &statistics);
  EXPECT_EQ(statistics.forwardPasses, 4);
  const at::Tensor expected = (network(volume) + network(volume.flip({2})).flip({2}) +
                               network(volume.flip({4})).flip({4}) + network(volume.flip({2, 4})).flip({2, 4})) /
                              4.0;
  EXPECT_LT(maxDifference(mirrored, expected), 1e-5);
  // A network that is not flip-equivariant does give something else without mirroring.
  EXPECT_GT(maxDifference(mirrored, network(volume)), 1e-3);
}

TEST_F(SlidingWindow, MirroringAFlipEquivariantNetworkChangesNothing) {
  PointwiseNetwork net;
  const at::Tensor volume = at::randn({1, 2, 21, 14, 17});
  SlidingWindowOptions options = windowOptions({10, 8, 12});
  const at::Tensor plain = run(volume, net.network(), options);
  options.mirrorAxes = {0, 1, 2};
  options.tileBatch = 3;
  EXPECT_LT(maxDifference(run(volume, net.network(), options), plain), 1e-5);
}

TEST_F(SlidingWindow, SameInputGivesBitIdenticalOutput) {
  ConvolutionNetwork net;
  const at::Tensor volume = at::randn({1, 2, 20, 17, 9});
  const SlidingWindowOptions options = windowOptions({12, 10, 8});
  EXPECT_TRUE(at::equal(run(volume, net.network(), options), run(volume, net.network(), options)));
}

TEST_F(SlidingWindow, SliceBySliceEqualsAPerSliceLoop) {
  torch::nn::Conv2d first{torch::nn::Conv2dOptions(1, 4, 3).padding(1)};
  torch::nn::Conv2d second{torch::nn::Conv2dOptions(4, 2, 3).padding(1)};
  const Network network2d = [&](const at::Tensor& x) { return second->forward(at::relu(first->forward(x))); };
  const at::Tensor volume = at::randn({1, 1, 6, 9, 7});
  for (const int64_t sliceAxis : {0, 2}) {
    // The slice plane fits one patch, so each slice is exactly one whole-slice forward.
    std::vector<int64_t> plane;
    for (int64_t axis = 0; axis < 3; ++axis) {
      if (axis != sliceAxis) {
        plane.push_back(volume.size(axis + 2));
      }
    }
    SlidingWindowOptions options = windowOptions(plane);
    options.tileBatch = 4;  // slices share forward passes
    const at::Tensor stacked = slidingWindowSliceBySlice(volume, sliceAxis, network2d, options, silentProgress());
    ASSERT_EQ(stacked.sizes(), (std::vector<int64_t>{1, 2, 6, 9, 7}));
    for (int64_t s = 0; s < volume.size(sliceAxis + 2); ++s) {
      const at::Tensor slice = volume.select(sliceAxis + 2, s);  // [1, 1, a, b]
      EXPECT_LT(maxDifference(stacked.select(sliceAxis + 2, s), network2d(slice)), 1e-5) << sliceAxis << " " << s;
    }
  }
}

/// The blend written out plainly, one tile at a time, every tile through the network.
at::Tensor blendEveryTile(const at::Tensor& volume, const Network& network, const std::vector<int64_t>& patch,
                          double overlap) {
  const std::vector<int64_t> size{volume.size(2), volume.size(3), volume.size(4)};
  const at::Tensor gaussian = gaussianImportanceMap(patch);
  at::Tensor sums, weights = at::zeros(size);
  for (const auto& origin : tileOrigins(size, patch, overlap)) {
    at::Tensor tile = volume, sumsHere, weightsHere = weights;
    for (int axis = 0; axis < 3; ++axis) {
      tile = tile.narrow(axis + 2, origin[axis], patch[axis]);
      weightsHere = weightsHere.narrow(axis, origin[axis], patch[axis]);
    }
    const at::Tensor output = network(tile);
    if (!sums.defined())
      sums = at::zeros({1, output.size(1), size[0], size[1], size[2]});
    sumsHere = sums;
    for (int axis = 0; axis < 3; ++axis) sumsHere = sumsHere.narrow(axis + 2, origin[axis], patch[axis]);
    sumsHere.add_(output * gaussian);
    weightsHere.add_(gaussian);
  }
  return sums / weights;
}

TEST_F(SlidingWindow, TilesWithTheSameConstantInputRunTheNetworkOnceAndChangeNothing) {
  ConvolutionNetwork net;
  int64_t tilesSeen = 0;
  const Network counting = [&](const at::Tensor& x) {
    tilesSeen += x.size(0);
    return net.network()(x);
  };
  // A body in the middle of air: channel 0 is 0 and channel 1 is -1 outside a random block, so the
  // corner tiles are constant (and equal to each other), the others not.
  at::Tensor volume = at::zeros({1, 2, 24, 20, 16});
  volume.select(1, 1).fill_(-1);
  volume.narrow(2, 8, 8).narrow(3, 7, 6).narrow(4, 5, 6).copy_(at::randn({1, 2, 8, 6, 6}));
  const std::vector<int64_t> patch{8, 8, 8};
  auto options = windowOptions(patch);
  options.tileBatch = 3;
  SlidingWindowStatistics statistics;
  const at::Tensor blended = run(volume, counting, options, &statistics);
  const int64_t tiles = static_cast<int64_t>(tileOrigins({24, 20, 16}, patch, 0.5).size());
  EXPECT_EQ(statistics.tiles, tiles);
  EXPECT_GT(statistics.reusedTiles, tiles / 3);  // most tiles see only air
  EXPECT_EQ(tilesSeen, tiles - statistics.reusedTiles);
  EXPECT_LT(maxDifference(blended, blendEveryTile(volume, net.network(), patch, 0.5)), 1e-5);

  // A tile that is constant at another value is not mistaken for air: it runs on its own.
  volume.narrow(2, 16, 8).narrow(3, 0, 8).narrow(4, 0, 8).fill_(0.5);
  tilesSeen = 0;
  SlidingWindowStatistics second;
  const at::Tensor withOtherConstant = run(volume, counting, options, &second);
  EXPECT_EQ(tilesSeen, tiles - second.reusedTiles);
  EXPECT_LT(maxDifference(withOtherConstant, blendEveryTile(volume, net.network(), patch, 0.5)), 1e-5);
}

// The tiles of a volume that is not float32 on the CPU (any GPU volume; bfloat16 here) are checked by
// reductions for all tiles at once, copied to the host in one piece: the same tiles must be found.
TEST_F(SlidingWindow, ConstantTilesAreFoundTheSameWayInEveryPrecision) {
  ConvolutionNetwork net;
  at::Tensor volume = at::zeros({1, 2, 24, 20, 16});
  volume.select(1, 1).fill_(-1);
  volume.narrow(2, 8, 8).narrow(3, 7, 6).narrow(4, 5, 6).copy_(at::randn({1, 2, 8, 6, 6}));
  volume.narrow(2, 16, 8).narrow(3, 0, 8).narrow(4, 0, 8).fill_(0.5);
  const std::vector<int64_t> patch{8, 8, 8};
  std::vector<int64_t> seen;
  for (const auto dtype : {at::kFloat, at::kBFloat16}) {
    int64_t tilesSeen = 0;
    const Network counting = [&](const at::Tensor& x) {
      tilesSeen += x.size(0);
      return net.network()(x.to(at::kFloat));
    };
    auto options = windowOptions(patch);
    options.networkDtype = dtype;
    SlidingWindowStatistics statistics;
    run(volume, counting, options, &statistics);
    EXPECT_GT(statistics.reusedTiles, 0) << dtype;
    EXPECT_EQ(tilesSeen, statistics.tiles - statistics.reusedTiles) << dtype;
    seen.push_back(statistics.reusedTiles);
  }
  EXPECT_EQ(seen[0], seen[1]);
}

TEST_F(SlidingWindow, GaussianImportanceIsCentredPositiveAndScaledToOne) {
  const at::Tensor map = gaussianImportanceMap({17, 96, 4});
  ASSERT_EQ(map.sizes(), (std::vector<int64_t>{17, 96, 4}));
  EXPECT_FLOAT_EQ(map.max().item<float>(), map[8][47][1].item<float>());
  EXPECT_GT(map.min().item<float>(), 0.0f);
  EXPECT_TRUE(at::allclose(map, map.flip({0, 1, 2})));
  // sigma = patch / 8 along each axis: one sigma off-centre along axis 0 (17 / 8 voxels) -> exp(-1/2).
  const at::Tensor line = gaussianImportanceMap({17});
  EXPECT_NEAR(line[8].item<float>(), 1.0f, 1e-6);
  EXPECT_NEAR(line[12].item<float>(), std::exp(-0.5 * std::pow(4.0 / (17.0 / 8.0), 2)), 1e-6);
}

TEST_F(SlidingWindow, NetworkReturningAWrongShapeIsReported) {
  const Network shrinking = [](const at::Tensor& x) { return x.narrow(2, 0, 2); };
  EXPECT_THROW(run(at::randn({1, 1, 8, 8, 8}), shrinking, windowOptions({4, 4, 4})), Error);
}

TEST_F(SlidingWindow, CudaGivesTheCpuResult) {
  if (!torch::cuda::is_available()) {
    GTEST_SKIP() << "no CUDA device";
  }
  ConvolutionNetwork net;
  const at::Tensor volume = at::randn({1, 2, 40, 33, 27});
  SlidingWindowOptions options = windowOptions({16, 16, 16});
  options.tileBatch = 4;
  const at::Tensor onCpu = run(volume, net.network(), options);
  net.first->to(at::kCUDA);
  net.second->to(at::kCUDA);
  options.device = at::Device(at::kCUDA, 0);
  SlidingWindowStatistics statistics;
  const at::Tensor onCuda = run(volume, net.network(), options, &statistics);
  EXPECT_EQ(statistics.accumulationDevice, "cuda:0");
  EXPECT_LT(maxDifference(onCuda.cpu(), onCpu), 1e-3);
}

}  // namespace
}  // namespace skipseg::inference
