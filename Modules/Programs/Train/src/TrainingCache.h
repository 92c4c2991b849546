#pragma once
// The preprocessing cache of skipseg-train (ITK side): every case cropped to its non-zero region,
// normalised as the plans say and resampled to the configuration's spacing, stored once per
// configuration and reused by later runs while the source files and settings are unchanged.
#include "skipseg/core/Progress.h"
#include "skipseg/planning/Dataset.h"
#include "skipseg/planning/Plans.h"
#include "skipseg/training/TrainingCase.h"

#include <string>
#include <vector>

namespace skipseg::programs {

/// The cases `ids` of `dataset`, preprocessed for `configuration`, from `cacheFolder` when current,
/// else computed and stored there. Label ids become class indices in the order of dataset.labels.
std::vector<training::TrainingCase> prepareTrainingCases(const planning::Dataset& dataset,
                                                         const std::vector<std::string>& ids,
                                                         const planning::TrainingConfiguration& configuration,
                                                         const std::string& cacheFolder, ProgressReporter& progress);

/// The orientation code ("RAS", "LPS", ...) shared by all cases of `dataset`'s training grids, or ""
/// when they differ.
std::string commonOrientation(const std::vector<training::TrainingCase>& cases);

}  // namespace skipseg::programs
