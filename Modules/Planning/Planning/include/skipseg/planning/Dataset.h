#pragma once
// A training dataset: its cases (one image file per channel, one label map) and what the labels and
// channels mean. Two layouts are read:
//  - nnU-Net v2 raw: DATASET/dataset.json (channel_names, labels, numTraining, file_ending),
//    imagesTr/CASE_0000<ending> (one file per channel, 4-digit channel index), labelsTr/CASE<ending>;
//  - a CSV manifest: a header "case,<channel name>...,label" then one row per case; relative paths are
//    relative to the CSV's folder; label names are "label_<id>" for the ids found in the label maps.
// checkDataset() verifies every case before any work, naming the case and the file on failure.
#include "skipseg/core/ModelDescription.h"
#include "skipseg/core/VoxelBuffer.h"

#include <string>
#include <vector>

namespace skipseg::planning {

struct DatasetCase {
  std::string id;
  std::vector<std::string> imagePaths;  ///< one per channel
  std::string labelPath;
};

struct Dataset {
  std::string source;                     ///< dataset folder or CSV file
  std::string layout;                     ///< "nnunet" or "csv"
  std::vector<std::string> channelNames;  ///< e.g. {"CT"} or {"T1", "T2"}
  std::vector<LabelInfo> labels;          ///< background (0) first, sorted by id
  bool labelsFromData = false;            ///< CSV: labels are discovered by checkDataset
  std::vector<DatasetCase> cases;

  const DatasetCase& findCase(const std::string& id) const;
  Json toJson() const;
  static Dataset fromJson(const Json& json, const std::string& source);
};

/// Reads the layout at `path` (a folder with dataset.json, or a .csv manifest). Missing files are
/// reported by checkDataset, not here, so that all problems of a case are found in one pass.
Dataset readDataset(const std::string& path);

/// Checks every case: files present and readable, every image on the label's voxel grid, label values
/// integers among the dataset's labels. Throws BadInput "FILE: case CASE: problem" at the first problem.
/// For a CSV dataset, fills `labels` with the ids found.
void checkDataset(Dataset& dataset);

/// One case in memory: the channels as one buffer and the label map (same grid).
struct LoadedCase {
  VoxelBuffer image;
  VoxelBuffer label;
};

/// Reads a case as stored (no reorientation, no resampling).
LoadedCase loadCase(const DatasetCase& datasetCase);

}  // namespace skipseg::planning
