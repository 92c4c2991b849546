#pragma once
#include "skipseg/cli/ProgramDescription.h"

#include <string>
#include <vector>

namespace skipseg::programs {

/// skipseg-train's options: `skipseg-train PLANS --configuration NAME --fold K --output DIR ...`.
cli::ProgramDescription trainProgramDescription();

/// skipseg-train with `arguments` (without the program name): preprocesses the dataset into a cache,
/// trains, validates and writes DIR/model.ssm; returns the exit code.
int trainMain(const std::vector<std::string>& arguments);

}  // namespace skipseg::programs
