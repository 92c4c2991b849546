#pragma once
#include "skipseg/cli/ProgramDescription.h"

#include <string>
#include <vector>

namespace skipseg::programs {

/// skipseg-model's options: `summary MODEL`, `import MODEL OUTPUT.ssm`, `export MODEL OUTPUT`.
cli::ProgramDescription modelProgramDescription();

/// skipseg-model with `arguments` (without the program name); returns the exit code.
int modelMain(const std::vector<std::string>& arguments);

}  // namespace skipseg::programs
