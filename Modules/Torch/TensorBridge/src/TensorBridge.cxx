#include "skipseg/tensor/TensorBridge.h"

#include "skipseg/core/Error.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
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

void checkBufferSize(const VoxelBuffer& buffer) {
  if (buffer.values.size() != buffer.channels * buffer.geometry.voxelCount()) {
    throw internalError("voxel buffer holds " + std::to_string(buffer.values.size()) + " values, expected " +
                        std::to_string(buffer.channels * buffer.geometry.voxelCount()));
  }
}

/// [1, C, K, J, I]: the buffer's own C order.
std::vector<int64_t> tensorSizes(const VoxelBuffer& buffer) {
  const auto& size = buffer.geometry.size;
  return {1, static_cast<int64_t>(buffer.channels), static_cast<int64_t>(size[2]), static_cast<int64_t>(size[1]),
          static_cast<int64_t>(size[0])};
}

at::Tensor inAxisOrder(const at::Tensor& zyx, AxisOrder order) {
  return order == AxisOrder::Zyx ? zyx : zyx.permute({0, 1, 4, 3, 2});
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
  // ATen has no read-only tensors, so the view is watched instead. It is made outside inference mode,
  // so that it and every view taken from it share one version counter, which every in-place operation
  // bumps (inside inference mode too). When the last of them is gone, the storage's deleter finds out
  // whether any wrote, and a write through a view of a const buffer stops the process: the buffer the
  // caller promised not to change has changed. (A raw data_ptr() write is the one thing it cannot see.)
  checkBufferSize(buffer);
  const c10::InferenceMode normalTensors(false);
  auto counter = std::make_shared<std::optional<c10::VariableVersion>>();
  at::Tensor view = at::from_blob(
      const_cast<float*>(buffer.values.data()), tensorSizes(buffer),
      [counter](void*) {
        if (counter->has_value() && (*counter)->current_version() != 0) {
          std::fputs(
              "internal error: a tensor view of a const voxel buffer was written to "
              "(tensor::viewAsTensor's views are read-only; copy with toTensor to write)\n",
              stderr);
          std::abort();
        }
      },
      at::TensorOptions().dtype(at::kFloat));
  *counter = view.unsafeGetTensorImpl()->version_counter();
  return inAxisOrder(view, order);
}

at::Tensor writableViewAsTensor(VoxelBuffer& buffer, AxisOrder order) {
  checkBufferSize(buffer);
  return inAxisOrder(at::from_blob(buffer.values.data(), tensorSizes(buffer), at::TensorOptions().dtype(at::kFloat)),
                     order);
}

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
