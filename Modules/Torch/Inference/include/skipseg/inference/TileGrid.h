#pragma once
// Where sliding-window tiles start along one axis. No Torch here: plain arithmetic, easy to test.
#include <cstdint>
#include <vector>

namespace skipseg::inference {

/// Start offsets of the tiles of length `patch` that cover [0, size) with at least `overlap` (in [0, 1))
/// of a patch shared by neighbours, spread evenly, first at 0 and last at size - patch. As in nnU-Net:
/// count = ceil((size - patch) / (patch * (1 - overlap))) + 1. A size below the patch gives {0}
/// (the caller pads the volume up to the patch).
std::vector<int64_t> tileStarts(int64_t size, int64_t patch, double overlap);

/// Every tile origin of an N-dimensional grid (the cartesian product of tileStarts per axis), with the
/// last axis changing fastest.
std::vector<std::vector<int64_t>> tileOrigins(const std::vector<int64_t>& size, const std::vector<int64_t>& patch,
                                              double overlap);

}  // namespace skipseg::inference
