#include "skipseg/segmentation/ModelGridPreprocessing.h"

#include "skipseg/core/Error.h"
#include "skipseg/io/Geometry.h"
#include "skipseg/io/Orientation.h"
#include "skipseg/preprocessing/ModelGridPreprocessor.h"

#include <spdlog/spdlog.h>

namespace skipseg::segmentation {

ModelGridInput prepareModelGridInput(const std::vector<std::string>& inputs, const io::ReadOptions& readOptions,
                                     const ModelDescription& model, const std::string& interpolation,
                                     bool keepNativeImage, StageTimer& timer) {
  if (inputs.empty()) {
    throw usageError("no input scan given");
  }
  if (static_cast<int>(inputs.size()) != model.inChannels) {
    throw usageError("the model takes " + std::to_string(model.inChannels) + " input channel(s) but " +
                     std::to_string(inputs.size()) + " --input file(s) were given");
  }
  ModelGridInput result;

  timer.start("read");
  std::vector<io::FloatImage::Pointer> channels;
  for (const auto& path : inputs) {
    auto read = io::readImage(path, readOptions);
    const ImageGeometry geometry = io::geometryOf(read.image.GetPointer());
    if (channels.empty()) {
      result.nativeGeometry = geometry;
      // The scan as read costs its full size through the network stage: keep it only for pictures.
      if (keepNativeImage) {
        result.nativeImage = read.image;
      }
    } else if (!geometry.sameGrid(result.nativeGeometry)) {
      throw badInput(path, "lies on another grid than " + inputs.front() + " (channels must share one grid)");
    }
    spdlog::info("read {}: {}, orientation {}", path, geometry.describe(), io::orientationCode(geometry));
    channels.push_back(read.image);
  }
  timer.stop();

  timer.start("preprocess");
  ModelDescription prepared = model;
  if (!interpolation.empty() && interpolation != "model") {
    preprocessing::parseInterpolation(interpolation, "interpolation");  // a usage error when unknown
    prepared.interpolation = interpolation;                             // the user's choice over the model's
  }
  auto modelGrid = preprocessing::prepareForModel(std::move(channels), prepared);
  result.modelGrid = modelGrid.record.modelGrid;
  result.cropped = modelGrid.record.cropped();
  result.voxels = std::move(modelGrid.voxels);
  spdlog::info("model grid: {}, orientation {}, {} interpolation{}", result.modelGrid.describe(),
               modelGrid.record.orientation, prepared.interpolation,
               result.cropped ? ", cropped to the non-zero box" : "");
  timer.stop();
  return result;
}

}  // namespace skipseg::segmentation
