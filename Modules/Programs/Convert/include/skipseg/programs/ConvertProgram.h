#pragma once
// skipseg-convert INPUT OUTPUT [--series UID] [--orient CODE] [--allow-uneven-spacing] [--labels]:
// any supported image (or DICOM series) to NIfTI, NRRD or MetaImage, optionally reoriented by a
// permutation and flip of axes that keeps every voxel's world position.
#include "skipseg/cli/ProgramDescription.h"

#include <string>
#include <vector>

namespace skipseg::programs {

cli::ProgramDescription convertProgramDescription();

/// The program: arguments without the program name; returns the exit code.
int convertMain(const std::vector<std::string>& arguments);

}  // namespace skipseg::programs
