#pragma once
// Grids for the tests: oblique, permuted and negative-step directions, as scanners and reorientation produce.
#include <array>
#include <cmath>

#include "skipseg/core/VoxelBuffer.h"

namespace skipseg::preprocessing::testing {

/// A rotation about (1, 1, 1) by `degrees`, row-major, columns = axis directions.
inline std::array<double, 9> obliqueDirection(double degrees) {
  const double angle = degrees * M_PI / 180.0;
  const double c = std::cos(angle), s = std::sin(angle), t = 1 - c;
  const double n = 1.0 / std::sqrt(3.0);
  const double x = n, y = n, z = n;
  return {{t * x * x + c, t * x * y - s * z, t * x * z + s * y, t * x * y + s * z, t * y * y + c, t * y * z - s * x,
           t * x * z - s * y, t * y * z + s * x, t * z * z + c}};
}

/// `direction` with its columns reordered (new column a = old column order[a]) and column `flipped` negated.
inline std::array<double, 9> permuted(const std::array<double, 9>& direction, std::array<int, 3> order, int flipped) {
  std::array<double, 9> result{};
  for (int row = 0; row < 3; ++row) {
    for (int axis = 0; axis < 3; ++axis) {
      result[row * 3 + axis] = direction[row * 3 + order[axis]] * (axis == flipped ? -1.0 : 1.0);
    }
  }
  return result;
}

inline ImageGeometry makeGrid(std::array<std::size_t, 3> size, std::array<double, 3> spacing,
                              std::array<double, 3> origin, std::array<double, 9> direction) {
  ImageGeometry grid;
  grid.size = size;
  grid.spacing = spacing;
  grid.origin = origin;
  grid.direction = direction;
  return grid;
}

/// Physical position of voxel (i, j, k).
inline std::array<double, 3> centreOf(const ImageGeometry& grid, double i, double j, double k) {
  return grid.indexToPhysical({{i, j, k}});
}

inline double distance(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

}  // namespace skipseg::preprocessing::testing
