#include "skipseg/planning/Plans.h"

#include "skipseg/planning/Fingerprint.h"

#include "skipseg/core/Error.h"
#include "skipseg/core/Version.h"

#include <algorithm>
#include <cmath>

namespace skipseg::planning {
namespace {

TrainingConfiguration planConfiguration(const std::string& name, int dims, const Dataset& dataset,
                                        const DatasetFingerprint& fingerprint, const std::array<double, 3>& spacing,
                                        const PlanOptions& options) {
  const auto medianXyz = medianResampledSize(fingerprint, spacing);
  std::size_t datasetVoxels = 0;
  for (std::size_t c = 0; c < fingerprint.spacings.size(); ++c) {
    const auto size = resampledSize(fingerprint.croppedSizes[c], fingerprint.spacings[c], spacing);
    datasetVoxels += size[0] * size[1] * size[2];
  }
  PatchPlanInput input;
  std::vector<double> spacingZyx = toTensorOrder(spacing);
  std::vector<int> medianZyx{static_cast<int>(medianXyz[2]), static_cast<int>(medianXyz[1]),
                             static_cast<int>(medianXyz[0])};
  if (dims == 2) {
    // Slices along z: the in-plane axes only.
    spacingZyx.erase(spacingZyx.begin());
    medianZyx.erase(medianZyx.begin());
  }
  if (options.maxPatchEdge > 0) {
    for (auto& size : medianZyx) {
      size = std::min(size, options.maxPatchEdge);
    }
  }
  input.spacing = spacingZyx;
  input.medianSize = medianZyx;
  input.inChannels = static_cast<int>(dataset.channelNames.size());
  input.classCount = static_cast<int>(dataset.labels.size());
  input.memoryBudgetBytes = options.memoryBudgetBytes;
  input.baseFeatures = options.baseFeatures;
  input.maxFeatures = options.maxFeatures;
  input.datasetVoxels = dims == 3 ? datasetVoxels : datasetVoxels * 50;  // 2D batches draw from many slices
  const PatchPlan plan = planPatchAndBatch(input);
  TrainingConfiguration configuration;
  configuration.name = name;
  configuration.spatialDims = dims;
  configuration.spacing = spacing;
  configuration.patchSize = plan.topology.patchSize;
  configuration.batchSize = plan.batchSize;
  configuration.poolKernels = plan.topology.poolKernels;
  configuration.convKernels = plan.topology.convKernels;
  configuration.baseFeatures = options.baseFeatures;
  configuration.maxFeatures = options.maxFeatures;
  configuration.normalization = planNormalization(fingerprint);
  return configuration;
}

}  // namespace

Json TrainingConfiguration::toJson() const {
  Json json;
  json["spatial_dims"] = spatialDims;
  json["spacing"] = spacing;
  json["axis_order"] = "zyx";
  json["patch_size"] = patchSize;
  json["batch_size"] = batchSize;
  json["pool_kernels"] = poolKernels;
  json["conv_kernels"] = convKernels;
  json["base_features"] = baseFeatures;
  json["max_features"] = maxFeatures;
  Json specs = Json::array();
  for (const auto& spec : normalization) {
    specs.push_back(spec.toJson());
  }
  json["normalization"] = specs;
  return json;
}

TrainingConfiguration TrainingConfiguration::fromJson(const std::string& name, const Json& json,
                                                      const std::string& source) {
  TrainingConfiguration configuration;
  configuration.name = name;
  try {
    configuration.spatialDims = json.at("spatial_dims").get<int>();
    configuration.spacing = json.at("spacing").get<std::array<double, 3>>();
    configuration.patchSize = json.at("patch_size").get<std::vector<int>>();
    configuration.batchSize = json.at("batch_size").get<int>();
    configuration.poolKernels = json.at("pool_kernels").get<std::vector<std::vector<int>>>();
    configuration.convKernels = json.at("conv_kernels").get<std::vector<std::vector<int>>>();
    configuration.baseFeatures = json.at("base_features").get<int>();
    configuration.maxFeatures = json.at("max_features").get<int>();
    for (const auto& spec : json.at("normalization")) {
      configuration.normalization.push_back(NormalizationSpec::fromJson(spec, source));
    }
  } catch (const nlohmann::json::exception& error) {
    throw badInput(source, "configuration \"" + name + "\" is malformed: " + error.what());
  }
  if (configuration.spatialDims < 2 || configuration.spatialDims > 3 ||
      static_cast<int>(configuration.patchSize.size()) != configuration.spatialDims) {
    throw badInput(source, "configuration \"" + name + "\": patch_size must have spatial_dims entries");
  }
  return configuration;
}

Json makePlans(const Dataset& dataset, const DatasetFingerprint& fingerprint, const PlanOptions& options) {
  const std::array<double, 3> spacing =
      options.spacing ? *options.spacing : targetSpacing(fingerprint.spacings, fingerprint.croppedSizes);
  Json plans;
  plans["format"] = "skipseg-plans/1";
  plans["skipseg_version"] = version();
  plans["seed"] = options.seed;
  plans["memory_budget_bytes"] = options.memoryBudgetBytes;
  plans["dataset"] = dataset.toJson();
  plans["fingerprint"] = fingerprintToJson(fingerprint);
  std::vector<std::string> ids;
  for (const auto& datasetCase : dataset.cases) {
    ids.push_back(datasetCase.id);
  }
  Json folds = Json::array();
  for (const auto& fold : splitFolds(ids, options.foldCount, options.seed)) {
    folds.push_back({{"training", fold.training}, {"validation", fold.validation}});
  }
  plans["folds"] = folds;
  plans["configurations"]["3d_fullres"] =
      planConfiguration("3d_fullres", 3, dataset, fingerprint, spacing, options).toJson();
  plans["configurations"]["2d"] = planConfiguration("2d", 2, dataset, fingerprint, spacing, options).toJson();
  return plans;
}

TrainingConfiguration configurationFromPlans(const Json& plans, const std::string& name, const std::string& source) {
  if (!plans.contains("configurations") || !plans.at("configurations").is_object()) {
    throw badInput(source, "not a SkipSeg plans file (no \"configurations\")");
  }
  const Json& configurations = plans.at("configurations");
  if (!configurations.contains(name)) {
    std::string known;
    for (const auto& item : configurations.items()) {
      known += (known.empty() ? "" : ", ") + item.key();
    }
    throw badInput(source, "no configuration \"" + name + "\" (known: " + known + ")");
  }
  return TrainingConfiguration::fromJson(name, configurations.at(name), source);
}

Fold foldFromPlans(const Json& plans, const std::string& fold, const std::string& source) {
  const Json& folds = plans.at("folds");
  if (fold == "all") {
    Fold all;
    for (const auto& entry : plans.at("dataset").at("cases")) {
      all.training.push_back(entry.at("id").get<std::string>());
    }
    all.validation = all.training;
    return all;
  }
  std::size_t index = 0;
  try {
    index = std::stoul(fold);
  } catch (const std::exception&) {
    throw usageError("--fold must be a fold number or \"all\", not \"" + fold + "\"");
  }
  if (index >= folds.size()) {
    throw badInput(source,
                   "fold " + fold + " does not exist (the plans have " + std::to_string(folds.size()) + " folds)");
  }
  return Fold{folds.at(index).at("training").get<std::vector<std::string>>(),
              folds.at(index).at("validation").get<std::vector<std::string>>()};
}

}  // namespace skipseg::planning
