#pragma once
// The preprocessing cache of skipseg-train (ITK side): every case prepared by the model-grid
// preprocessor that skipseg-segment uses (crop to non-zero, normalise, resample, as the model's
// description says), stored once per configuration and reused by later runs while the source files
// and settings are unchanged.
#include "skipseg/core/ModelDescription.h"
#include "skipseg/core/Progress.h"
#include "skipseg/planning/Dataset.h"
#include "skipseg/planning/Plans.h"
#include "skipseg/training/TrainingCase.h"

#include <string>
#include <vector>

namespace skipseg::programs {

/// The model description that `configuration` trains: every choice of the model-grid preprocessor
/// (crop to non-zero, normalisation with the plans' statistics, spacing, interpolation, 2D/3D; the
/// cases keep their orientation), the patch size, the dataset's channels and labels. The cache
/// prepares cases with it and the model file records it.
ModelDescription preprocessingDescription(const planning::TrainingConfiguration& configuration,
                                          const planning::Dataset& dataset);

/// The cases `ids` of `dataset`, prepared for `model` by the model-grid preprocessor (the one
/// skipseg-segment uses), from `cacheFolder` when current, else computed and stored there. Label ids
/// become class indices in the order of dataset.labels.
std::vector<training::TrainingCase> prepareTrainingCases(const planning::Dataset& dataset,
                                                         const std::vector<std::string>& ids,
                                                         const ModelDescription& model, const std::string& cacheFolder,
                                                         ProgressReporter& progress);

/// The orientation code ("RAS", "LPS", ...) shared by all cases of `dataset`'s training grids, or ""
/// when they differ.
std::string commonOrientation(const std::vector<training::TrainingCase>& cases);

}  // namespace skipseg::programs
