#pragma once
// The SkipSeg model file (".ssm", format "skipseg-model/1"): one versioned file holding the network's
// architecture and configuration, its weights, the ModelDescription and provenance. Specified in
// Documentation/ModelFormat.md. Loading goes through loadSegmentationModels() (SegmentationModel.h).
#include "skipseg/core/ModelDescription.h"
#include "skipseg/model/NnUNetImport.h"
#include "skipseg/nn/SegmentationNetwork.h"

#include <string>
#include <vector>

namespace skipseg::model {

/// The format tag written into every SkipSeg model file; readers refuse other major versions.
inline constexpr const char* kSkipSegModelFormat = "skipseg-model/1";

/// Writes `network` (configuration, parameters and buffers as stored, bit for bit) and `description`
/// to `path` atomically: a failed write leaves no file. Adds the SkipSeg version and the time of
/// writing to the description's provenance. Throws OutputFailed naming `path`.
void saveSkipSegModel(const std::string& path, nn::SegmentationNetwork& network, const ModelDescription& description);

/// An ensemble (e.g. the folds of an nnU-Net model) in one file: one member per network, one shared
/// description; loadSegmentationModels() returns one model per member. Names label the members ("fold_0").
struct NamedNetwork {
  std::string name;
  nn::SegmentationNetwork* network = nullptr;
};
void saveSkipSegModel(const std::string& path, const std::vector<NamedNetwork>& members,
                      const ModelDescription& description);

/// Reads every member of a SkipSeg model file: networks rebuilt with nn::createNetwork() from their
/// configuration, weights restored bit for bit, eval mode. BadInput / Unsupported errors name `path`.
std::vector<ImportedNetwork> readSkipSegModel(const std::string& path);

/// True when `path` starts like a SkipSeg model file (a zip archive holding the format tag).
bool looksLikeSkipSegModel(const std::string& path);

}  // namespace skipseg::model
