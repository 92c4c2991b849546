#pragma once
// Internal: skipseg-convert's DICOM outputs: an existing label map as a DICOM SEG and/or RT Structure Set
// that reference the DICOM series it lies on (--reference-series).
#include "skipseg/cli/OptionParser.h"
#include "skipseg/cli/ProgramDescription.h"

namespace skipseg::programs {

/// Adds --output-dicom-seg, --output-rtstruct, --reference-series and --label-names to the table.
void addDicomOutputParameters(cli::ProgramDescription& description);

/// True when --output-dicom-seg or --output-rtstruct was given.
bool wantsDicomOutputs(const cli::ParsedOptions& options);

/// Checks the outputs (before reading), reads the labels and the series, and writes the DICOM objects (and
/// OUTPUT, when given, as a label map) all or nothing. Returns the exit code.
int convertToDicomObjects(const cli::ParsedOptions& options);

}  // namespace skipseg::programs
