#include "skipseg/core/VoxelBuffer.h"

#include <cmath>
#include <sstream>

namespace skipseg {

std::array<double, 3> ImageGeometry::indexToPhysical(const std::array<double, 3>& index) const {
  std::array<double, 3> point = origin;
  for (int row = 0; row < 3; ++row) {
    for (int axis = 0; axis < 3; ++axis) {
      point[row] += direction[row * 3 + axis] * spacing[axis] * index[axis];
    }
  }
  return point;
}

bool ImageGeometry::sameGrid(const ImageGeometry& other, double tolerance) const {
  if (size != other.size) {
    return false;
  }
  for (int axis = 0; axis < 3; ++axis) {
    if (std::abs(spacing[axis] - other.spacing[axis]) > tolerance ||
        std::abs(origin[axis] - other.origin[axis]) > tolerance) {
      return false;
    }
  }
  for (int element = 0; element < 9; ++element) {
    if (std::abs(direction[element] - other.direction[element]) > tolerance) {
      return false;
    }
  }
  return true;
}

std::string ImageGeometry::describe() const {
  std::ostringstream text;
  text << size[0] << "x" << size[1] << "x" << size[2] << " at " << spacing[0] << "x" << spacing[1] << "x" << spacing[2]
       << " mm, origin (" << origin[0] << ", " << origin[1] << ", " << origin[2] << ")";
  return text.str();
}

VoxelBuffer::VoxelBuffer(const ImageGeometry& geometry_, std::size_t channels_, float fill)
    : geometry(geometry_), channels(channels_), values(channels_ * geometry_.voxelCount(), fill) {}

}  // namespace skipseg
