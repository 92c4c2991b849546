#pragma once
#include "skipseg/cli/ProgramDescription.h"

#include <string>

namespace skipseg::cli {

/// The `--help` text: usage line, description, options grouped as in Slicer, exit codes.
std::string helpText(const ProgramDescription& description);

/// The `--xml` answer: a SlicerExecutionModel module description (validates against ModuleDescription.xsd).
std::string slicerXml(const ProgramDescription& description, const std::string& version);

}  // namespace skipseg::cli
