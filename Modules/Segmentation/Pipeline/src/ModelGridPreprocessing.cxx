#include "ModelGridPreprocessing.h"

#include "skipseg/core/Error.h"
#include "skipseg/io/Geometry.h"
#include "skipseg/io/Orientation.h"
#include "skipseg/preprocessing/Cropping.h"
#include "skipseg/preprocessing/Normalization.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>

namespace skipseg::segmentation {
namespace {

const NormalizationSpec* normalizationFor(const ModelDescription& model, std::size_t channel) {
  if (model.normalization.empty()) {
    return nullptr;
  }
  return model.normalization.size() == 1 ? &model.normalization.front() : &model.normalization.at(channel);
}

}  // namespace

ModelGridInput prepareModelGridInput(const std::vector<std::string>& inputs, const io::ReadOptions& readOptions,
                                     const ModelDescription& model, preprocessing::Interpolation interpolation,
                                     bool keepNativeImage, StageTimer& timer) {
  if (inputs.empty()) {
    throw usageError("--input is required (see --help)");
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
  if (!model.orientation.empty()) {
    for (auto& channel : channels) {
      channel = io::reorient(channel.GetPointer(), model.orientation);
    }
  }
  if (model.cropToNonZero) {
    auto region = preprocessing::nonZeroRegion(*channels.front());
    for (std::size_t c = 1; c < channels.size(); ++c) {
      region = preprocessing::unionOf(region, preprocessing::nonZeroRegion(*channels[c]));
    }
    if (!region.coversWhole()) {
      for (auto& channel : channels) {
        channel = preprocessing::crop(*channel, region);
      }
      result.cropped = true;
    }
  }
  std::array<double, 3> targetSpacing = model.spacing;
  if (model.spatialDims == 2) {
    // A 2D model sees slices along k: their spacing across slices stays as scanned.
    targetSpacing[2] = channels.front()->GetSpacing()[2];
  }
  preprocessing::ResampleOptions resampleOptions;
  resampleOptions.interpolation = interpolation;
  for (auto& channel : channels) {
    channel = preprocessing::resampleToSpacing(*channel, targetSpacing, resampleOptions);
  }
  result.modelGrid = io::geometryOf(channels.front().GetPointer());
  result.voxels = VoxelBuffer(result.modelGrid, channels.size());
  const std::size_t voxelCount = result.modelGrid.voxelCount();
  for (std::size_t c = 0; c < channels.size(); ++c) {
    float* destination = result.voxels.channel(c);
    std::memcpy(destination, channels[c]->GetBufferPointer(), voxelCount * sizeof(float));
    channels[c] = nullptr;  // free as we go: only the buffer is needed from here on
    if (const NormalizationSpec* spec = normalizationFor(model, c)) {
      preprocessing::normalizeIntensities(destination, voxelCount, *spec);
    }
  }
  spdlog::info("model grid: {}, orientation {}{}", result.modelGrid.describe(), io::orientationCode(result.modelGrid),
               result.cropped ? ", cropped to the non-zero box" : "");
  timer.stop();
  return result;
}

}  // namespace skipseg::segmentation
