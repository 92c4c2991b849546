#pragma once
// The one place where a VoxelBuffer (values[c][k][j][i], i fastest: an ITK buffer per channel) becomes a
// tensor and back. Models name their spatial axis order:
//   "xyz": tensor [1, C, X, Y, Z], tensor axes follow image i, j, k (MONAI-style, SkipSeg's own models);
//   "zyx": tensor [1, C, K, J, I], the buffer's own C order (nnU-Net).
// "xyz" is a permutation (the spatial axes reversed), never a reshape: reshaping would scramble voxels
// whenever the sizes differ, which is why the tests use asymmetric sizes.
#include "skipseg/core/VoxelBuffer.h"

#include <ATen/core/Tensor.h>

#include <string>

namespace skipseg::tensor {

enum class AxisOrder { Xyz, Zyx };

/// "xyz" or "zyx" (ModelDescription::axisOrder); anything else is an internal error (descriptions are validated).
AxisOrder parseAxisOrder(const std::string& text);
std::string toString(AxisOrder order);

/// Zero-copy float32 CPU view [1, C, spatial...] of `buffer` in `order` ("xyz" gives a permuted,
/// non-contiguous view). Valid only while `buffer` lives and keeps its storage. Read-only: ATen cannot
/// refuse a write, so the view counts in-place operations on it and on every view taken from it, and
/// when the last of them is released after any such write the process stops with an internal error.
/// Copy (toTensor, clone) to get a tensor to change.
at::Tensor viewAsTensor(const VoxelBuffer& buffer, AxisOrder order);
/// The same view of a buffer the caller may change, for writing into it (e.g. blending network outputs
/// straight into it).
at::Tensor writableViewAsTensor(VoxelBuffer& buffer, AxisOrder order);

/// Contiguous float32 CPU tensor [1, C, spatial...] that owns its memory (a copy of the buffer).
at::Tensor toTensor(const VoxelBuffer& buffer, AxisOrder order);

/// Copies a tensor [1, C, spatial...] or [C, spatial...] in `order` (any device, any floating dtype)
/// into a VoxelBuffer with `geometry`. The spatial sizes must match the geometry (internal error otherwise).
VoxelBuffer toVoxelBuffer(const at::Tensor& tensor, const ImageGeometry& geometry, AxisOrder order);

/// The tensor's spatial sizes that `geometry` gives in `order`: {X, Y, Z} for "xyz", {K, J, I} for "zyx".
std::vector<int64_t> spatialShape(const ImageGeometry& geometry, AxisOrder order);

}  // namespace skipseg::tensor
