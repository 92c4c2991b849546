#pragma once
// The dataset fingerprint: what planning needs from the images, computed once by reading every case.
#include "skipseg/planning/Dataset.h"
#include "skipseg/planning/PlanningRules.h"

#include <cstdint>

namespace skipseg {
class ProgressReporter;
}

namespace skipseg::planning {

/// Bounding box (x y z, inclusive begin, exclusive end) of the voxels where any channel is non-zero;
/// the whole image when all are zero.
struct CropBox {
  std::array<std::size_t, 3> begin{{0, 0, 0}};
  std::array<std::size_t, 3> end{{0, 0, 0}};
  std::array<std::size_t, 3> size() const { return {end[0] - begin[0], end[1] - begin[1], end[2] - begin[2]}; }
};
CropBox nonZeroBox(const VoxelBuffer& image);

/// Spacings, sizes after crop to non-zero, and per-channel foreground (label > 0) intensity statistics
/// from at most `samplesPerCase` voxels per case drawn with `seed` (same seed, same statistics).
DatasetFingerprint computeFingerprint(const Dataset& dataset, std::uint64_t seed, std::size_t samplesPerCase,
                                      ProgressReporter& progress);

Json fingerprintToJson(const DatasetFingerprint& fingerprint);
DatasetFingerprint fingerprintFromJson(const Json& json, const std::string& source);

}  // namespace skipseg::planning
