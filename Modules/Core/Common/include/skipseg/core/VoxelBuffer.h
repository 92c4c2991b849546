#pragma once
// The plain hand-over between the ITK side (IO, preprocessing) and the Torch side (networks,
// inference): float voxels plus the geometry that places them in the patient. No ITK, no Torch here,
// so both sides include it and neither includes the other.
//
// Layout: values[c][k][j][i], i fastest: exactly an ITK image buffer per channel. Read as a C-order
// array of shape [C, K, J, I] ("zyx" axis order); the Torch bridge permutes when a model wants "xyz".
#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace skipseg {

/// Where voxel (i, j, k) lies: origin + direction * diag(spacing) * (i, j, k), in LPS millimetres
/// (ITK's convention). `direction` is row-major; its columns are the unit vectors of the i, j, k axes.
struct ImageGeometry {
  std::array<std::size_t, 3> size{{0, 0, 0}};
  std::array<double, 3> spacing{{1.0, 1.0, 1.0}};
  std::array<double, 3> origin{{0.0, 0.0, 0.0}};
  std::array<double, 9> direction{{1, 0, 0, 0, 1, 0, 0, 0, 1}};

  std::size_t voxelCount() const { return size[0] * size[1] * size[2]; }
  /// Physical (LPS, mm) position of a continuous index.
  std::array<double, 3> indexToPhysical(const std::array<double, 3>& index) const;
  /// True when both describe the same voxel grid within `tolerance` (mm for origin/spacing, unitless for direction).
  bool sameGrid(const ImageGeometry& other, double tolerance = 1e-4) const;
  /// "122x101x112 at 3x3x3 mm, origin (...)" for logs.
  std::string describe() const;
};

struct VoxelBuffer {
  ImageGeometry geometry;
  std::size_t channels = 1;
  std::vector<float> values;  ///< channels * geometry.voxelCount() values, channel-major, i fastest

  VoxelBuffer() = default;
  VoxelBuffer(const ImageGeometry& geometry, std::size_t channels, float fill = 0.0f);

  float* channel(std::size_t c) { return values.data() + c * geometry.voxelCount(); }
  const float* channel(std::size_t c) const { return values.data() + c * geometry.voxelCount(); }
  float& at(std::size_t c, std::size_t i, std::size_t j, std::size_t k) {
    return values[((c * geometry.size[2] + k) * geometry.size[1] + j) * geometry.size[0] + i];
  }
  float at(std::size_t c, std::size_t i, std::size_t j, std::size_t k) const {
    return values[((c * geometry.size[2] + k) * geometry.size[1] + j) * geometry.size[0] + i];
  }
};

}  // namespace skipseg
