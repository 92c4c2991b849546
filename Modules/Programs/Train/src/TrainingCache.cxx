#include "TrainingCache.h"

#include "skipseg/core/Error.h"
#include "skipseg/io/Orientation.h"
#include "skipseg/planning/Fingerprint.h"
#include "skipseg/preprocessing/ModelGridPreprocessor.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <map>

namespace fs = std::filesystem;

namespace skipseg::programs {
namespace {

using preprocessing::FloatImage;
using preprocessing::LabelImage;

// Identifies what a cached case was made from: the same preprocessing (every choice the model records)
// and the same, unchanged source files.
Json cacheKey(const planning::DatasetCase& datasetCase, const planning::Dataset& dataset,
              const ModelDescription& model) {
  Json files = Json::array();
  auto describe = [](const std::string& path) {
    std::error_code error;
    const auto size = fs::file_size(path, error);
    const auto time = fs::last_write_time(path, error).time_since_epoch().count();
    return Json{
        {"path", path}, {"bytes", static_cast<std::uint64_t>(size)}, {"modified", static_cast<std::int64_t>(time)}};
  };
  for (const auto& path : datasetCase.imagePaths) {
    files.push_back(describe(path));
  }
  files.push_back(describe(datasetCase.labelPath));
  Json labels = Json::array();
  for (const auto& label : dataset.labels) {
    labels.push_back(label.id);
  }
  const Json recorded = model.toJson();
  Json key{{"cache_format", 2}, {"label_ids", labels}, {"files", files}};
  for (const char* choice :
       {"spatial_dims", "orientation", "spacing", "normalization", "crop_to_nonzero", "interpolation"}) {
    key[choice] = recorded.at(choice);
  }
  return key;
}

FloatImage::Pointer imageOf(const VoxelBuffer& buffer, std::size_t channel) {
  auto image = preprocessing::makeFloatImage(buffer.geometry);
  std::copy_n(buffer.channel(channel), buffer.geometry.voxelCount(), image->GetBufferPointer());
  return image;
}

// The case's label ids as class indices, in the order of dataset.labels.
LabelImage::Pointer classIndicesOf(const VoxelBuffer& label, const planning::DatasetCase& datasetCase,
                                   const planning::Dataset& dataset) {
  std::map<int, preprocessing::LabelValue> classOf;
  for (std::size_t index = 0; index < dataset.labels.size(); ++index) {
    classOf[dataset.labels[index].id] = static_cast<preprocessing::LabelValue>(index);
  }
  auto labels = preprocessing::makeLabelImage(label.geometry);
  for (std::size_t v = 0; v < label.geometry.voxelCount(); ++v) {
    const auto found = classOf.find(static_cast<int>(label.values[v]));
    if (found == classOf.end()) {
      throw badInput(datasetCase.labelPath, "case " + datasetCase.id + ": label value " +
                                                std::to_string(label.values[v]) + " is not in the plans");
    }
    labels->GetBufferPointer()[v] = found->second;
  }
  return labels;
}

// The case through the model-grid preprocessor that skipseg-segment uses: what the network trains on
// is what it will be fed.
training::TrainingCase preprocessCase(const planning::DatasetCase& datasetCase, const planning::Dataset& dataset,
                                      const ModelDescription& model) {
  const planning::LoadedCase loaded = planning::loadCase(datasetCase);
  std::vector<FloatImage::Pointer> channels;
  for (std::size_t c = 0; c < loaded.image.channels; ++c) {
    channels.push_back(imageOf(loaded.image, c));
  }
  auto prepared =
      preprocessing::prepareForModel(std::move(channels), model, classIndicesOf(loaded.label, datasetCase, dataset));
  training::TrainingCase result;
  result.id = datasetCase.id;
  result.channels = static_cast<std::int64_t>(prepared.voxels.channels);
  result.geometry = prepared.record.modelGrid;
  const auto& size = result.geometry.size;
  result.shape = {static_cast<std::int64_t>(size[2]), static_cast<std::int64_t>(size[1]),
                  static_cast<std::int64_t>(size[0])};
  result.image = std::move(prepared.voxels.values);
  result.labels.resize(result.geometry.voxelCount());
  const auto* classes = prepared.labels->GetBufferPointer();
  std::transform(classes, classes + result.labels.size(), result.labels.begin(),
                 [](preprocessing::LabelValue value) { return static_cast<std::uint8_t>(value); });
  return result;
}

}  // namespace

ModelDescription preprocessingDescription(const planning::TrainingConfiguration& configuration,
                                          const planning::Dataset& dataset) {
  ModelDescription description;
  description.spatialDims = configuration.spatialDims;
  description.inChannels = static_cast<int>(dataset.channelNames.size());
  description.axisOrder = "zyx";
  description.spacing = configuration.spacing;
  description.patchSize = configuration.patchSize;
  description.normalization = configuration.normalization;
  description.cropToNonZero = true;       // nnU-Net's rule: the body's box, the same at inference
  description.interpolation = "bspline";  // nnU-Net's order 3
  description.labels = dataset.labels;
  description.source = dataset.source;
  return description;
}

std::vector<training::TrainingCase> prepareTrainingCases(const planning::Dataset& dataset,
                                                         const std::vector<std::string>& ids,
                                                         const ModelDescription& model, const std::string& cacheFolder,
                                                         ProgressReporter& progress) {
  if (dataset.labels.size() > 255) {
    throw unsupported(dataset.source, "more than 255 labels");
  }
  std::error_code error;
  fs::create_directories(cacheFolder, error);
  if (error) {
    throw outputFailed(cacheFolder, "cannot create the cache folder: " + error.message());
  }
  std::vector<training::TrainingCase> cases;
  std::size_t reused = 0;
  progress.start("preprocessing", std::to_string(ids.size()) + " cases");
  for (std::size_t n = 0; n < ids.size(); ++n) {
    const auto& datasetCase = dataset.findCase(ids[n]);
    const Json key = cacheKey(datasetCase, dataset, model);
    if (training::cachedCaseIsCurrent(cacheFolder, datasetCase.id, key)) {
      cases.push_back(training::readCachedCase(cacheFolder, datasetCase.id));
      ++reused;
    } else {
      cases.push_back(preprocessCase(datasetCase, dataset, model));
      training::writeCachedCase(cacheFolder, cases.back(), key);
    }
    spdlog::debug("case {}: {} on the training grid", datasetCase.id, cases.back().geometry.describe());
    progress.update(static_cast<double>(n + 1) / static_cast<double>(ids.size()), datasetCase.id);
  }
  progress.finish();
  spdlog::info("preprocessed {} cases into {} ({} reused from the cache)", ids.size(), cacheFolder, reused);
  return cases;
}

std::string commonOrientation(const std::vector<training::TrainingCase>& cases) {
  std::string common;
  for (const auto& trainingCase : cases) {
    const std::string code = io::orientationCode(trainingCase.geometry);
    if (!common.empty() && code != common) {
      return "";
    }
    common = code;
  }
  return common;
}

}  // namespace skipseg::programs
