#pragma once
#include "skipseg/cli/ProgramDescription.h"

#include <string>
#include <vector>

namespace skipseg::programs {

/// skipseg-plan's options: `skipseg-plan DATASET --output PLANS.json [--memory-budget GB] ...`.
cli::ProgramDescription planProgramDescription();

/// skipseg-plan with `arguments` (without the program name): checks the dataset, computes its
/// fingerprint and writes the plans; returns the exit code.
int planMain(const std::vector<std::string>& arguments);

}  // namespace skipseg::programs
