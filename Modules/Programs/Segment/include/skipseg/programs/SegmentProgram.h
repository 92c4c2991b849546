#pragma once
#include "skipseg/cli/ProgramDescription.h"

#include <string>
#include <vector>

namespace skipseg::programs {

/// skipseg-segment's options (also its --help and its 3D Slicer module description).
cli::ProgramDescription segmentProgramDescription();

/// skipseg-segment with `arguments` (without the program name); returns the exit code.
int segmentMain(const std::vector<std::string>& arguments);

/// The model used when --model is not given: $SKIPSEG_DEFAULT_MODEL, else the demonstration model
/// SkipSeg ships (share/skipseg/Models beside the program, or Data/Models in the source tree).
/// Empty when none is found.
std::string defaultModelPath();

}  // namespace skipseg::programs
