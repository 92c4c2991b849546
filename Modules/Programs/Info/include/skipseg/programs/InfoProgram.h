#pragma once
// skipseg-info PATH: prints what a file or DICOM folder holds as JSON on stdout (size, spacing,
// origin, direction, orientation code, pixel type, value range; the series of a DICOM folder).
#include "skipseg/cli/ProgramDescription.h"

#include <string>
#include <vector>

namespace skipseg::programs {

cli::ProgramDescription infoProgramDescription();

/// The program: arguments without the program name; returns the exit code.
int infoMain(const std::vector<std::string>& arguments);

}  // namespace skipseg::programs
