#pragma once
#include "skipseg/cli/ProgramDescription.h"

#include <string>
#include <vector>

namespace skipseg::programs {

/// skipseg-evaluate's options:
///   skipseg-evaluate --reference REF --prediction PRED --output report.json|.csv [--label-ids 1,2] ...
///   skipseg-evaluate --statistics --image IMG --labels LABELS --output statistics.json|.csv
/// REF and PRED are both label images, or both folders whose cases are matched by file name.
cli::ProgramDescription evaluateProgramDescription();

/// skipseg-evaluate with `arguments` (without the program name); returns the exit code
/// (1 when some cases of a folder comparison failed: the report lists them).
int evaluateMain(const std::vector<std::string>& arguments);

}  // namespace skipseg::programs
