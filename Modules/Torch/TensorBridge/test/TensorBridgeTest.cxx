// The bridge must put every voxel where the model expects it. Sizes are all different (5x3x4 with
// two channels) so that a reshape instead of a permutation, or a swapped pair of axes, fails.
#include "skipseg/tensor/TensorBridge.h"

#include "skipseg/core/Error.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <gtest/gtest.h>

namespace skipseg::tensor {
namespace {

VoxelBuffer makeNumberedBuffer() {
  ImageGeometry geometry;
  geometry.size = {5, 3, 4};
  geometry.spacing = {0.5, 1.5, 2.5};
  geometry.origin = {-10, 20, 3};
  VoxelBuffer buffer(geometry, 2);
  for (std::size_t c = 0; c < 2; ++c)
    for (std::size_t k = 0; k < 4; ++k)
      for (std::size_t j = 0; j < 3; ++j)
        for (std::size_t i = 0; i < 5; ++i) buffer.at(c, i, j, k) = static_cast<float>(1000 * c + 100 * i + 10 * j + k);
  return buffer;
}

TEST(TensorBridge, XyzTensorIndexesImageAxesIJK) {
  const VoxelBuffer buffer = makeNumberedBuffer();
  const at::Tensor tensor = toTensor(buffer, AxisOrder::Xyz);
  ASSERT_EQ(tensor.sizes().vec(), (std::vector<int64_t>{1, 2, 5, 3, 4}));
  EXPECT_TRUE(tensor.is_contiguous());
  for (int64_t c = 0; c < 2; ++c)
    for (int64_t i = 0; i < 5; ++i)
      for (int64_t j = 0; j < 3; ++j)
        for (int64_t k = 0; k < 4; ++k)
          ASSERT_EQ(tensor[0][c][i][j][k].item<float>(), buffer.at(c, i, j, k))
              << c << " " << i << " " << j << " " << k;
}

TEST(TensorBridge, ZyxTensorIndexesImageAxesKJI) {
  const VoxelBuffer buffer = makeNumberedBuffer();
  const at::Tensor tensor = toTensor(buffer, AxisOrder::Zyx);
  ASSERT_EQ(tensor.sizes().vec(), (std::vector<int64_t>{1, 2, 4, 3, 5}));
  for (int64_t c = 0; c < 2; ++c)
    for (int64_t i = 0; i < 5; ++i)
      for (int64_t j = 0; j < 3; ++j)
        for (int64_t k = 0; k < 4; ++k) ASSERT_EQ(tensor[0][c][k][j][i].item<float>(), buffer.at(c, i, j, k));
}

TEST(TensorBridge, ZyxViewSharesTheBufferMemory) {
  const VoxelBuffer buffer = makeNumberedBuffer();
  const at::Tensor view = viewAsTensor(buffer, AxisOrder::Zyx);
  EXPECT_EQ(view.data_ptr<float>(), buffer.values.data());
  EXPECT_TRUE(view.is_contiguous());
  // A copy does not share it.
  EXPECT_NE(toTensor(buffer, AxisOrder::Zyx).data_ptr<float>(), buffer.values.data());
}

TEST(TensorBridge, RoundTripKeepsValuesAndGeometryInBothOrders) {
  const VoxelBuffer buffer = makeNumberedBuffer();
  for (const AxisOrder order : {AxisOrder::Xyz, AxisOrder::Zyx}) {
    const VoxelBuffer back = toVoxelBuffer(toTensor(buffer, order), buffer.geometry, order);
    EXPECT_EQ(back.channels, 2u);
    EXPECT_EQ(back.values, buffer.values) << toString(order);
    EXPECT_TRUE(back.geometry.sameGrid(buffer.geometry));
  }
}

TEST(TensorBridge, ToVoxelBufferReadsXyzNetworkOutputs) {
  // A network output [1, 3, X, Y, Z] written directly in tensor indices lands on voxel (i, j, k) = (x, y, z).
  ImageGeometry geometry;
  geometry.size = {4, 2, 3};
  const at::Tensor output = at::arange(3 * 4 * 2 * 3, at::kFloat).reshape({1, 3, 4, 2, 3});
  const VoxelBuffer buffer = toVoxelBuffer(output, geometry, AxisOrder::Xyz);
  EXPECT_EQ(buffer.channels, 3u);
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t x = 0; x < 4; ++x)
      for (int64_t y = 0; y < 2; ++y)
        for (int64_t z = 0; z < 3; ++z) ASSERT_EQ(buffer.at(c, x, y, z), output[0][c][x][y][z].item<float>());
}

TEST(TensorBridge, ToVoxelBufferAcceptsHalfPrecisionAndChannelFirstTensors) {
  ImageGeometry geometry;
  geometry.size = {2, 3, 4};
  const at::Tensor output = at::full({2, 4, 3, 2}, 0.5, at::kHalf);
  const VoxelBuffer buffer = toVoxelBuffer(output, geometry, AxisOrder::Zyx);
  EXPECT_EQ(buffer.channels, 2u);
  EXPECT_EQ(buffer.values, std::vector<float>(2 * 24, 0.5f));
}

TEST(TensorBridge, RejectsATensorThatDoesNotFitTheGrid) {
  ImageGeometry geometry;
  geometry.size = {5, 3, 4};
  // Right voxel count, wrong axis order: must not be silently reinterpreted.
  EXPECT_THROW(toVoxelBuffer(at::zeros({1, 1, 4, 3, 5}), geometry, AxisOrder::Xyz), Error);
  EXPECT_NO_THROW(toVoxelBuffer(at::zeros({1, 1, 4, 3, 5}), geometry, AxisOrder::Zyx));
}

TEST(TensorBridge, SpatialShapeFollowsTheOrder) {
  ImageGeometry geometry;
  geometry.size = {7, 8, 9};
  EXPECT_EQ(spatialShape(geometry, AxisOrder::Xyz), (std::vector<int64_t>{7, 8, 9}));
  EXPECT_EQ(spatialShape(geometry, AxisOrder::Zyx), (std::vector<int64_t>{9, 8, 7}));
  EXPECT_EQ(parseAxisOrder("zyx"), AxisOrder::Zyx);
  EXPECT_THROW(parseAxisOrder("yxz"), Error);
}

// The const view is read-only: reading it, views of it and copies of it is fine, in inference mode too;
// a write through it (or through a view taken from it) stops the process once the views are released.
TEST(TensorBridge, ConstViewCanBeReadViewedAndCopied) {
  const VoxelBuffer buffer = makeNumberedBuffer();
  const c10::InferenceMode inferenceMode;
  at::Tensor copy;
  {
    const at::Tensor view = viewAsTensor(buffer, AxisOrder::Xyz);
    const at::Tensor tile = view.narrow(2, 1, 2).to(at::kCPU, at::kFloat);
    copy = at::cat({tile, tile}, 0);
    copy.add_(1.0);  // a copy may change
    EXPECT_EQ(tile[0][1][0][2][3].item<float>(), buffer.at(1, 1, 2, 3));
  }
  EXPECT_EQ(copy[1][1][0][2][3].item<float>(), buffer.at(1, 1, 2, 3) + 1.0f);
}

TEST(TensorBridgeDeathTest, WritingThroughTheConstViewStopsTheProcess) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const VoxelBuffer buffer = makeNumberedBuffer();
  EXPECT_DEATH(viewAsTensor(buffer, AxisOrder::Zyx).add_(1.0), "a tensor view of a const voxel buffer was written to");
  EXPECT_DEATH(
      {
        const c10::InferenceMode inferenceMode;
        viewAsTensor(buffer, AxisOrder::Xyz).narrow(2, 1, 2).fill_(0.0);
      },
      "a tensor view of a const voxel buffer was written to");
}

TEST(TensorBridge, WritableViewWritesIntoTheBuffer) {
  VoxelBuffer buffer = makeNumberedBuffer();
  writableViewAsTensor(buffer, AxisOrder::Xyz).narrow(2, 1, 1).fill_(-1.0);
  EXPECT_EQ(buffer.at(0, 1, 2, 3), -1.0f);
  EXPECT_EQ(buffer.at(0, 0, 2, 3), 0.0f + 0 + 20 + 3);
}

}  // namespace
}  // namespace skipseg::tensor
