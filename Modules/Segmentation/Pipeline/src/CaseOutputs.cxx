#include "CaseOutputs.h"

#include "skipseg/io/ImageWriter.h"

#include <filesystem>

namespace skipseg::segmentation {

CaseOutputs::~CaseOutputs() {
  if (kept_) {
    return;
  }
  for (const auto& file : files_) {
    std::error_code error;
    std::filesystem::remove(file, error);
  }
}

void CaseOutputs::writeLabels(const io::LabelImage& labels, const std::string& path) {
  io::writeLabelImage(&labels, path);
  files_.push_back(path);
}

void CaseOutputs::writeProbabilities(const VoxelBuffer& probabilities, const std::string& path,
                                     const std::vector<io::ComponentLabel>& labels) {
  const std::string labelsFile = io::componentLabelsSidecarPath(path);
  if (!labelsFile.empty()) {
    files_.push_back(labelsFile);  // removed with the case should the image be written and the list not
  }
  io::writeMultiChannelImage(probabilities, path, labels);
  files_.push_back(path);
}

void CaseOutputs::writeJson(const Json& value, const std::string& path) {
  writeJsonFile(path, value);
  files_.push_back(path);
}

void CaseOutputs::adopt(const std::vector<std::string>& files) {
  files_.insert(files_.end(), files.begin(), files.end());
}

}  // namespace skipseg::segmentation
