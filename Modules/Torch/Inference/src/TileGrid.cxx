#include "skipseg/inference/TileGrid.h"

#include "skipseg/core/Error.h"

#include <cmath>

namespace skipseg::inference {

std::vector<int64_t> tileStarts(int64_t size, int64_t patch, double overlap) {
  if (patch < 1 || size < 1) {
    throw internalError("tile grid needs positive sizes, got size " + std::to_string(size) + " and patch " +
                        std::to_string(patch));
  }
  if (!(overlap >= 0.0 && overlap < 1.0)) {
    throw usageError("the tile overlap must be in [0, 1), not " + std::to_string(overlap));
  }
  if (size <= patch) {
    return {0};
  }
  const double targetStep = static_cast<double>(patch) * (1.0 - overlap);
  const auto count = static_cast<int64_t>(std::ceil(static_cast<double>(size - patch) / targetStep)) + 1;
  const double step = static_cast<double>(size - patch) / static_cast<double>(count - 1);
  std::vector<int64_t> starts;
  starts.reserve(static_cast<std::size_t>(count));
  for (int64_t index = 0; index < count; ++index) {
    starts.push_back(static_cast<int64_t>(std::llround(step * static_cast<double>(index))));
  }
  return starts;
}

std::vector<std::vector<int64_t>> tileOrigins(const std::vector<int64_t>& size, const std::vector<int64_t>& patch,
                                              double overlap) {
  if (size.size() != patch.size()) {
    throw internalError("tile grid: " + std::to_string(size.size()) + " sizes but " + std::to_string(patch.size()) +
                        " patch extents");
  }
  std::vector<std::vector<int64_t>> origins{{}};
  for (std::size_t axis = 0; axis < size.size(); ++axis) {
    std::vector<std::vector<int64_t>> extended;
    for (const auto& prefix : origins) {
      for (const int64_t start : tileStarts(size[axis], patch[axis], overlap)) {
        extended.push_back(prefix);
        extended.back().push_back(start);
      }
    }
    origins.swap(extended);
  }
  return origins;
}

}  // namespace skipseg::inference
