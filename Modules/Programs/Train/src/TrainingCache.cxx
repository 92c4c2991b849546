#include "TrainingCache.h"

#include "skipseg/core/Error.h"
#include "skipseg/io/Orientation.h"
#include "skipseg/planning/Fingerprint.h"
#include "skipseg/preprocessing/Cropping.h"
#include "skipseg/preprocessing/Normalization.h"
#include "skipseg/preprocessing/Resampling.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <map>

namespace fs = std::filesystem;

namespace skipseg::programs {
namespace {

// Identifies what a cached case was made from: same settings and same, unchanged source files.
Json cacheKey(const planning::DatasetCase& datasetCase, const planning::Dataset& dataset,
              const planning::TrainingConfiguration& configuration) {
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
  Json normalization = Json::array();
  for (const auto& spec : configuration.normalization) {
    normalization.push_back(spec.toJson());
  }
  return Json{{"cache_format", 1},
              {"spacing", configuration.spacing},
              {"normalization", normalization},
              {"label_ids", labels},
              {"files", files}};
}

training::TrainingCase preprocessCase(const planning::DatasetCase& datasetCase, const planning::Dataset& dataset,
                                      const planning::TrainingConfiguration& configuration) {
  using namespace preprocessing;
  const planning::LoadedCase loaded = planning::loadCase(datasetCase);
  const ImageGeometry& grid = loaded.image.geometry;
  std::vector<FloatImage::Pointer> channels;
  for (std::size_t c = 0; c < loaded.image.channels; ++c) {
    auto image = makeFloatImage(grid);
    std::copy_n(loaded.image.channel(c), grid.voxelCount(), image->GetBufferPointer());
    channels.push_back(image);
  }
  std::map<int, LabelValue> classOf;
  for (std::size_t index = 0; index < dataset.labels.size(); ++index) {
    classOf[dataset.labels[index].id] = static_cast<LabelValue>(index);
  }
  auto labels = makeLabelImage(grid);
  for (std::size_t v = 0; v < grid.voxelCount(); ++v) {
    const auto found = classOf.find(static_cast<int>(loaded.label.values[v]));
    if (found == classOf.end()) {
      throw badInput(datasetCase.labelPath, "case " + datasetCase.id + ": label value " +
                                                std::to_string(loaded.label.values[v]) + " is not in the plans");
    }
    labels->GetBufferPointer()[v] = found->second;
  }
  // Crop to the region where any channel is non-zero (nnU-Net's rule), then normalise, then resample.
  CropRegion region = nonZeroRegion(*channels[0]);
  for (std::size_t c = 1; c < channels.size(); ++c) {
    region = unionOf(region, nonZeroRegion(*channels[c]));
  }
  ResampleOptions resample;
  training::TrainingCase result;
  result.id = datasetCase.id;
  result.channels = static_cast<std::int64_t>(channels.size());
  for (std::size_t c = 0; c < channels.size(); ++c) {
    auto cropped = crop(*channels[c], region);
    const auto& spec =
        configuration.normalization.size() == 1 ? configuration.normalization[0] : configuration.normalization.at(c);
    normalizeIntensities(*cropped, spec);
    auto resampled = resampleToSpacing(*cropped, configuration.spacing, resample);
    result.geometry = geometryOf(*resampled);
    const std::size_t count = result.geometry.voxelCount();
    result.image.insert(result.image.end(), resampled->GetBufferPointer(), resampled->GetBufferPointer() + count);
  }
  auto resampledLabels = resampleLabelsToSpacing(*crop(*labels, region), configuration.spacing, resample);
  if (!geometryOf(*resampledLabels).sameGrid(result.geometry)) {
    throw internalError("case " + datasetCase.id + ": resampled image and label grids differ");
  }
  const auto& size = result.geometry.size;
  result.shape = {static_cast<std::int64_t>(size[2]), static_cast<std::int64_t>(size[1]),
                  static_cast<std::int64_t>(size[0])};
  result.labels.resize(result.geometry.voxelCount());
  std::transform(resampledLabels->GetBufferPointer(), resampledLabels->GetBufferPointer() + result.labels.size(),
                 result.labels.begin(), [](LabelValue value) { return static_cast<std::uint8_t>(value); });
  return result;
}

}  // namespace

std::vector<training::TrainingCase> prepareTrainingCases(const planning::Dataset& dataset,
                                                         const std::vector<std::string>& ids,
                                                         const planning::TrainingConfiguration& configuration,
                                                         const std::string& cacheFolder, ProgressReporter& progress) {
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
    const Json key = cacheKey(datasetCase, dataset, configuration);
    if (training::cachedCaseIsCurrent(cacheFolder, datasetCase.id, key)) {
      cases.push_back(training::readCachedCase(cacheFolder, datasetCase.id));
      ++reused;
    } else {
      cases.push_back(preprocessCase(datasetCase, dataset, configuration));
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
