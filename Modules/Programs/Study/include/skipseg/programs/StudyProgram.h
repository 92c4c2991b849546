#pragma once
// skipseg-study: the survey's questions asked of the user's own data. `explain` runs the explanatory
// experiments (loss landscape, lesion study, shattered gradients); `make-dataset` writes the worked
// example's datasets (Documentation/Study.md).
#include "skipseg/cli/ProgramDescription.h"

#include <string>
#include <vector>

namespace skipseg::programs {

cli::ProgramDescription studyProgramDescription();
int studyMain(const std::vector<std::string>& arguments);

}  // namespace skipseg::programs
