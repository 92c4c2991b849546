#pragma once
// A preprocessed training case as the trainer consumes it: normalised float channels and class
// indices on the training grid, in tensor order (z y x, x fastest, exactly a VoxelBuffer's layout).
// No Torch here: the program that preprocesses (ITK side) fills it; the trainer turns it into tensors.
// The cache stores each case as CASE_image.f32 (raw float32, little endian), CASE_label.u8 (raw uint8
// class indices) and CASE.json (shape, the geometry of the training grid, the source files).
#include "skipseg/core/JsonFile.h"
#include "skipseg/core/VoxelBuffer.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace skipseg::training {

struct TrainingCase {
  std::string id;
  std::int64_t channels = 1;
  std::array<std::int64_t, 3> shape{{1, 1, 1}};  ///< z y x
  std::vector<float> image;                      ///< channels * z * y * x
  std::vector<std::uint8_t> labels;              ///< z * y * x class indices (0 = background)
  ImageGeometry geometry;                        ///< the training grid in the patient (for logs and checks)

  std::int64_t voxelCount() const { return shape[0] * shape[1] * shape[2]; }
};

/// Writes the case into `folder` atomically (each file); returns the JSON sidecar's path.
std::string writeCachedCase(const std::string& folder, const TrainingCase& trainingCase, const Json& extra);
/// Reads a case written by writeCachedCase; throws BadInput naming the file when it is incomplete.
TrainingCase readCachedCase(const std::string& folder, const std::string& id);
/// True when all three files of the case exist and the sidecar's "extra" equals `extra` (same
/// preprocessing settings, same source files): the cache can be reused.
bool cachedCaseIsCurrent(const std::string& folder, const std::string& id, const Json& extra);

}  // namespace skipseg::training
