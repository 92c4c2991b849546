#include "SegmentationOptions.h"

#include "skipseg/core/Error.h"

namespace skipseg::programs {
namespace {

using cli::ParameterKind;

cli::Parameter parameter(const std::string& name, ParameterKind kind, const std::string& help,
                         const std::string& fallback, const std::string& group) {
  cli::Parameter entry;
  entry.name = name;
  entry.kind = kind;
  entry.help = help;
  entry.defaultValue = fallback;
  entry.group = group;
  return entry;
}

}  // namespace

std::vector<cli::Parameter> segmentationParameters() {
  std::vector<cli::Parameter> table;
  table.push_back(parameter("allow-uneven-spacing", ParameterKind::Flag,
                            "DICOM: accept unevenly spaced slices by resampling them onto a regular grid (logged).", "",
                            "Input and output"));
  table.push_back(parameter("gantry-tilt", ParameterKind::Enumeration,
                            "DICOM: a gantry-tilted series is resampled onto a regular grid along the slice normal "
                            "(logged with the angle) or refused.",
                            "resample", "Input and output"));
  table.back().choices = {"resample", "refuse"};
  table.push_back(parameter("device", ParameterKind::String, "Where the network runs: auto, cpu, cuda or cuda:N.",
                            "auto", "Computation"));
  table.back().placeholder = "DEVICE";
  table.push_back(parameter("precision", ParameterKind::Enumeration,
                            "Network precision; float16 needs CUDA, bfloat16 a device that has it.", "float32",
                            "Computation"));
  table.back().choices = {"float32", "float16", "bfloat16"};
  table.push_back(parameter("threads", ParameterKind::Integer,
                            "CPU threads (0: every core; with skipseg-batch --jobs J, cores / J per job).", "0",
                            "Computation"));
  table.push_back(parameter("overlap", ParameterKind::Float,
                            "Share of a patch that neighbouring sliding-window tiles have in common, in [0, 1).", "0.5",
                            "Computation"));
  table.push_back(parameter("tile-batch", ParameterKind::Integer,
                            "Tiles per forward pass (0: sized from the model's patch and the device).", "0",
                            "Computation"));
  table.push_back(parameter("mirror", ParameterKind::Enumeration,
                            "Test-time mirroring: off, or all (average over every flip of the axes the model allows).",
                            "off", "Computation"));
  table.back().choices = {"off", "all"};
  table.push_back(parameter("interpolation", ParameterKind::Enumeration,
                            "Interpolation of the scan onto the model's grid: model (the one the model was trained "
                            "with, bspline when it records none), bspline, linear or nearest.",
                            "model", "Computation"));
  table.back().choices = {"model", "bspline", "linear", "nearest"};
  table.back().advanced = true;
  table.push_back(parameter("slab-slices", ParameterKind::Integer,
                            "Native slices per unit when mapping scores back to the scan's grid (bounds memory).", "8",
                            "Computation"));
  table.back().advanced = true;
  table.push_back(parameter("largest-component", ParameterKind::Enumeration,
                            "Keep only the largest connected component: none, per-label, or of all foreground.", "none",
                            "Postprocessing"));
  table.back().choices = {"none", "per-label", "foreground"};
  table.push_back(parameter("min-component-mm3", ParameterKind::Float,
                            "Remove connected components smaller than this volume in mm3 (0: keep all).", "0",
                            "Postprocessing"));
  table.back().label = "Smallest component kept (mm3)";
  table.push_back(parameter("fill-holes", ParameterKind::Flag, "Fill holes enclosed by a label with that label.", "",
                            "Postprocessing"));
  return table;
}

segmentation::PipelineOptions segmentationOptionsFrom(const cli::ParsedOptions& options) {
  segmentation::PipelineOptions pipeline;
  pipeline.inference.device = options.string("device");
  pipeline.inference.precision = options.string("precision");
  pipeline.inference.threads = static_cast<int>(options.integer("threads"));
  pipeline.inference.overlap = options.number("overlap");
  pipeline.inference.tileBatch = static_cast<int>(options.integer("tile-batch"));
  pipeline.inference.mirror = options.string("mirror") == "all";
  pipeline.interpolation = options.string("interpolation");
  pipeline.largestComponent = segmentation::parseLargestComponent(options.string("largest-component"));
  pipeline.minimumComponentMm3 = options.number("min-component-mm3");
  pipeline.fillHoles = options.flag("fill-holes");
  if (pipeline.inference.threads < 0) {
    throw usageError("--threads must be 0 (every core) or more");
  }
  if (pipeline.inference.overlap < 0 || pipeline.inference.overlap >= 1) {
    throw usageError("--overlap must be in [0, 1)");
  }
  if (pipeline.inference.tileBatch < 0) {
    throw usageError("--tile-batch must be 0 (automatic) or more");
  }
  const long long slabSlices = options.integer("slab-slices");
  if (slabSlices < 1) {
    throw usageError("--slab-slices must be at least 1");
  }
  pipeline.slabSlices = static_cast<std::size_t>(slabSlices);
  if (pipeline.minimumComponentMm3 < 0) {
    throw usageError("--min-component-mm3 must be 0 or more");
  }
  return pipeline;
}

io::ReadOptions scanReadOptionsFrom(const cli::ParsedOptions& options) {
  io::ReadOptions read;
  read.allowUnevenSpacing = options.flag("allow-uneven-spacing");
  read.gantryTilt = io::gantryTiltFromName(options.string("gantry-tilt"));
  return read;
}

cli::ParsedOptions withSegmentationDefaults(const std::map<std::string, std::vector<std::string>>& given) {
  cli::ParsedOptions options;
  for (const auto& entry : segmentationParameters()) {
    if (entry.kind != cli::ParameterKind::Flag) {
      options.set(entry.name, {entry.defaultValue});
    }
  }
  for (const auto& [name, values] : given) {
    options.set(name, values);
  }
  return options;
}

}  // namespace skipseg::programs
