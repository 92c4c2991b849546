#include "skipseg/tensor/TensorBridge.h"

#include "skipseg/core/Error.h"

#include <ATen/ATen.h>

#include <sstream>

namespace skipseg::tensor {
namespace {

std::string shapeText(at::IntArrayRef sizes) {
  std::ostringstream text;
  for (std::size_t a = 0; a < sizes.size(); ++a) {
    text << (a ? "x" : "") << sizes[a];
  }
  return text.str();
}

}  // namespace

AxisOrder parseAxisOrder(const std::string& text) {
  if (text == "xyz") {
    return AxisOrder::Xyz;
  }
  if (text == "zyx") {
    return AxisOrder::Zyx;
  }
  throw internalError("unknown tensor axis order \"" + text + "\" (xyz or zyx)");
}

std::string toString(AxisOrder order) {
  return order == AxisOrder::Xyz ? "xyz" : "zyx";
}

std::vector<int64_t> spatialShape(const ImageGeometry& geometry, AxisOrder order) {
  const auto& size = geometry.size;
  if (order == AxisOrder::Xyz) {
    return {static_cast<int64_t>(size[0]), static_cast<int64_t>(size[1]), static_cast<int64_t>(size[2])};
  }
  return {static_cast<int64_t>(size[2]), static_cast<int64_t>(size[1]), static_cast<int64_t>(size[0])};
}

at::Tensor viewAsTensor(const VoxelBuffer& buffer, AxisOrder order) {
  const auto& size = buffer.geometry.size;
  if (buffer.values.size() != buffer.channels * buffer.geometry.voxelCount()) {
    throw internalError("voxel buffer holds " + std::to_string(buffer.values.size()) + " values, expected " +
                        std::to_string(buffer.channels * buffer.geometry.voxelCount()));
  }
  // from_blob never writes; the const_cast only satisfies its signature (writableViewAsTensor is the
  // one caller that writes, through a non-const buffer).
  at::Tensor view = at::from_blob(const_cast<float*>(buffer.values.data()),
                                  {1, static_cast<int64_t>(buffer.channels), static_cast<int64_t>(size[2]),
                                   static_cast<int64_t>(size[1]), static_cast<int64_t>(size[0])},
                                  at::TensorOptions().dtype(at::kFloat));
  return order == AxisOrder::Zyx ? view : view.permute({0, 1, 4, 3, 2});
}

at::Tensor writableViewAsTensor(VoxelBuffer& buffer, AxisOrder order) { return viewAsTensor(buffer, order); }

at::Tensor toTensor(const VoxelBuffer& buffer, AxisOrder order) {
  return viewAsTensor(buffer, order).clone(at::MemoryFormat::Contiguous);
}

VoxelBuffer toVoxelBuffer(const at::Tensor& tensor, const ImageGeometry& geometry, AxisOrder order) {
  at::Tensor channels = tensor.dim() == 5 ? tensor.select(0, 0) : tensor;
  const std::vector<int64_t> expected = spatialShape(geometry, order);
  if (channels.dim() != 4 || channels.sizes().slice(1).vec() != expected) {
    throw internalError("tensor of shape " + shapeText(tensor.sizes()) + " does not fit the grid " +
                        geometry.describe() + " in axis order " + toString(order));
  }
  if (order == AxisOrder::Xyz) {
    channels = channels.permute({0, 3, 2, 1});  // [C, X, Y, Z] -> [C, Z, Y, X]: i fastest
  }
  // One copy, straight into the buffer (device transfer, dtype conversion and permutation at once).
  VoxelBuffer buffer(geometry, static_cast<std::size_t>(channels.size(0)));
  at::from_blob(buffer.values.data(), channels.sizes(), at::TensorOptions().dtype(at::kFloat)).copy_(channels);
  return buffer;
}

}  // namespace skipseg::tensor
