#include "skipseg/preprocessing/ModelGridPreprocessor.h"

#include "skipseg/core/Error.h"
#include "skipseg/core/Logging.h"
#include "skipseg/io/Orientation.h"
#include "skipseg/preprocessing/Normalization.h"

#include <cstring>

namespace skipseg::preprocessing {
namespace {

const NormalizationSpec* normalizationFor(const ModelDescription& model, std::size_t channel) {
  if (model.normalization.empty()) {
    return nullptr;
  }
  return model.normalization.size() == 1 ? &model.normalization.front() : &model.normalization.at(channel);
}

CropRegion nonZeroRegionOf(const std::vector<FloatImage::Pointer>& channels) {
  CropRegion region = nonZeroRegion(*channels.front());
  for (std::size_t c = 1; c < channels.size(); ++c) {
    region = unionOf(region, nonZeroRegion(*channels[c]));
  }
  return region;
}

}  // namespace

Json ModelGridRecord::toJson() const {
  return Json{{"size", modelGrid.size},          {"spacing", modelGrid.spacing},
              {"orientation", orientation},      {"interpolation", toString(interpolation)},
              {"cropped_to_nonzero", cropped()}, {"crop_index", crop.index},
              {"crop_size", crop.size}};
}

Interpolation interpolationOf(const ModelDescription& model) {
  try {
    return parseInterpolation(model.interpolation, "interpolation");
  } catch (const Error&) {
    throw badInput(model.source,
                   "\"interpolation\" must be bspline, linear or nearest, not \"" + model.interpolation + "\"");
  }
}

ModelGridCase prepareForModel(std::vector<FloatImage::Pointer> channels, const ModelDescription& model,
                              LabelImage::Pointer labels) {
  if (channels.empty() || static_cast<int>(channels.size()) != model.inChannels) {
    throw badInput(model.source, "the model takes " + std::to_string(model.inChannels) + " input channel(s), not " +
                                     std::to_string(channels.size()));
  }
  ModelGridCase result;
  ModelGridRecord& record = result.record;
  record.nativeGeometry = geometryOf(*channels.front());
  for (std::size_t c = 1; c < channels.size(); ++c) {
    if (!geometryOf(*channels[c]).sameGrid(record.nativeGeometry)) {
      throw badInput(model.source, "input channel " + std::to_string(c) + " lies on another grid than channel 0");
    }
  }
  if (labels && !geometryOf(*labels).sameGrid(record.nativeGeometry)) {
    throw badInput(model.source, "the labels lie on another grid than the image");
  }

  // 1. Reorient (permutation and flips: values are moved, never interpolated).
  if (!model.orientation.empty()) {
    for (auto& channel : channels) {
      channel = io::reorient(channel.GetPointer(), model.orientation);
    }
    if (labels) {
      labels = io::reorient(labels.GetPointer(), model.orientation);
    }
  }
  record.orientation = io::orientationCode(channels.front().GetPointer());

  // 2. The box where any channel is non-zero; the same box for every channel and the labels.
  record.crop = model.cropToNonZero ? nonZeroRegionOf(channels) : CropRegion::whole(geometryOf(*channels.front()));

  // 4's target: a 2D model sees slices along k, whose spacing across slices stays as scanned.
  std::array<double, 3> targetSpacing = model.spacing;
  if (model.spatialDims == 2) {
    targetSpacing[2] = channels.front()->GetSpacing()[2];
  }
  ResampleOptions resample;
  resample.interpolation = record.interpolation = interpolationOf(model);

  for (std::size_t c = 0; c < channels.size(); ++c) {
    FloatImage::Pointer channel = record.cropped() ? crop(*channels[c], record.crop) : channels[c];
    channels[c] = nullptr;  // free as we go: a CT channel is large
    // 3. Normalise on the cropped image at its own resolution (nnU-Net's DefaultPreprocessor).
    if (const NormalizationSpec* spec = normalizationFor(model, c)) {
      normalizeIntensities(*channel, *spec);
    }
    // 4. Resample.
    channel = resampleToSpacing(*channel, targetSpacing, resample);
    if (c == 0) {
      record.modelGrid = geometryOf(*channel);
      result.voxels = VoxelBuffer(record.modelGrid, channels.size());
    }
    std::memcpy(result.voxels.channel(c), channel->GetBufferPointer(), record.modelGrid.voxelCount() * sizeof(float));
  }
  if (labels) {
    auto cropped = record.cropped() ? crop(*labels, record.crop) : labels;
    result.labels = resampleLabelsToSpacing(*cropped, targetSpacing, resample);
    if (!geometryOf(*result.labels).sameGrid(record.modelGrid)) {
      throw internalError("resampled image and label grids differ");
    }
  }
  spdlog::debug("model grid: {}, orientation {}{}", record.modelGrid.describe(), record.orientation,
                record.cropped() ? ", cropped to the non-zero box" : "");
  return result;
}

}  // namespace skipseg::preprocessing
