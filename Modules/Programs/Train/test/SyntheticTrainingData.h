#pragma once
// A small nnU-Net-style dataset for skipseg-train's tests: 24^3 scans of a noisy ball (2 mm voxels) with
// its label, written into FOLDER/data, and skipseg-plan's plans for it (small network, 16^3 patches).
#include "skipseg/core/JsonFile.h"
#include "skipseg/testing/TemporaryDirectory.h"

namespace skipseg::programs {

/// Writes `cases` cases and FOLDER/data/dataset.json; returns the plans, also written to FOLDER/plans.json.
Json writeBallDatasetAndPlans(const skipseg::testing::TemporaryDirectory& folder, int cases);

}  // namespace skipseg::programs
