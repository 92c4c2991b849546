#include "CaseOutputs.h"

#include "skipseg/io/ImageWriter.h"

namespace skipseg::segmentation {

void CaseOutputs::writeLabels(const io::LabelImage& labels, const std::string& path) {
  io::writeLabelImage(&labels, path);
}

void CaseOutputs::writeProbabilities(const VoxelBuffer& probabilities, const std::string& path,
                                     const std::vector<io::ComponentLabel>& labels) {
  // The NIfTI component list beside the image is committed under the case's transaction too.
  io::writeMultiChannelImage(probabilities, path, labels);
}

void CaseOutputs::writeJson(const Json& value, const std::string& path) {
  writeJsonFile(path, value);
}

}  // namespace skipseg::segmentation
