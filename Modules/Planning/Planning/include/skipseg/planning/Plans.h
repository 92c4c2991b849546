#pragma once
// The plans file ("skipseg-plans/1"): the dataset's cases, its fingerprint, the K-fold split and one
// entry per configuration ("3d_fullres", "2d") with every number training uses. skipseg-plan writes it;
// skipseg-train only reads it. Pure composition of the rules in PlanningRules.h.
#include "skipseg/planning/Dataset.h"
#include "skipseg/planning/PlanningRules.h"

#include <optional>

namespace skipseg::planning {

struct PlanOptions {
  double memoryBudgetBytes = 8e9;  ///< activation memory of one training batch
  int foldCount = 5;
  std::uint64_t seed = 12345;
  std::optional<std::array<double, 3>> spacing;  ///< overrides the target spacing (x y z, mm)
  int baseFeatures = 32;
  int maxFeatures = 320;
  int maxPatchEdge = 0;  ///< > 0: no patch axis longer than this (voxels)
};

/// One configuration of the plans, as training reads it.
struct TrainingConfiguration {
  std::string name;
  int spatialDims = 3;
  std::array<double, 3> spacing{{1, 1, 1}};  ///< x y z, mm
  std::vector<int> patchSize;                ///< tensor order (z y x, or y x for 2D)
  int batchSize = 2;
  std::vector<std::vector<int>> poolKernels;
  std::vector<std::vector<int>> convKernels;
  int baseFeatures = 32;
  int maxFeatures = 320;
  std::vector<NormalizationSpec> normalization;  ///< per channel

  Json toJson() const;
  static TrainingConfiguration fromJson(const std::string& name, const Json& json, const std::string& source);
};

Json makePlans(const Dataset& dataset, const DatasetFingerprint& fingerprint, const PlanOptions& options);

/// Reads a configuration from a plans file's JSON; unknown names list the known ones.
TrainingConfiguration configurationFromPlans(const Json& plans, const std::string& name, const std::string& source);

/// The fold's cases ("all": every case trains and validates).
Fold foldFromPlans(const Json& plans, const std::string& fold, const std::string& source);

}  // namespace skipseg::planning
