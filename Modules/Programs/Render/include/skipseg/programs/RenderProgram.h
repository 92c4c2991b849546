#pragma once
#include "skipseg/cli/ProgramDescription.h"

#include <string>
#include <vector>

namespace skipseg::programs {

/// skipseg-render's options: `skipseg-render LABELS [--image IMG] --output-dir DIR [--mesh-format vtp|stl|obj] ...`.
cli::ProgramDescription renderProgramDescription();

/// skipseg-render with `arguments` (without the program name): writes one mesh per label, slices.png and
/// surfaces.png into the output folder; returns the exit code.
int renderMain(const std::vector<std::string>& arguments);

}  // namespace skipseg::programs
