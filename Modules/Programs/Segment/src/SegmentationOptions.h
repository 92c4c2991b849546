#pragma once
// How a scan is segmented: the computation, preprocessing and postprocessing options, declared once and
// read once, for skipseg-segment and for skipseg-batch's segment worker alike (so every one of them works
// in both and is validated in one place; the messages name the flags, as this is the program layer).
#include "skipseg/cli/OptionParser.h"
#include "skipseg/cli/ProgramDescription.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/segmentation/SegmentationPipeline.h"

#include <map>
#include <string>
#include <vector>

namespace skipseg::programs {

/// The option table: device, precision, threads, overlap, tile-batch, mirror, interpolation,
/// slab-slices, allow-uneven-spacing, gantry-tilt, largest-component, min-component-mm3, fill-holes.
std::vector<cli::Parameter> segmentationParameters();

/// Reads and checks them (usage errors naming the flag).
segmentation::PipelineOptions segmentationOptionsFrom(const cli::ParsedOptions& options);
/// The per-scan reading options among them (allow-uneven-spacing, gantry-tilt).
io::ReadOptions scanReadOptionsFrom(const cli::ParsedOptions& options);

/// Values given to another program's parser (skipseg-batch's) as parsed options, with the table's
/// defaults for what was not given.
cli::ParsedOptions withSegmentationDefaults(const std::map<std::string, std::vector<std::string>>& given);

}  // namespace skipseg::programs
