#include "skipseg/programs/SegmentProgram.h"

#include "skipseg/cli/RunProgram.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/Interrupt.h"
#include "skipseg/core/OutputCheck.h"
#include "skipseg/core/Progress.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/ImageWriter.h"
#include "skipseg/segmentation/SegmentationPipeline.h"

#include <spdlog/spdlog.h>

namespace skipseg::programs {

using cli::ParameterKind;

cli::ProgramDescription segmentProgramDescription() {
  cli::ProgramDescription program;
  program.name = "skipseg-segment";
  program.title = "SkipSeg Segment";
  program.slicerModule = true;
  program.description =
      "Segments a scan with a skip-connection network and writes a label map that lies exactly on the scan "
      "(same size, spacing, origin and direction). The model is a SkipSeg model file (.ssm), a TorchScript file "
      "with skipseg.json, or an nnU-Net v2 results folder; several models are averaged as an ensemble.";

  auto& input = program.add("input", ParameterKind::InputImage,
                            "The scan: a NIfTI, NRRD or MetaImage file, or a folder holding a DICOM series.");
  input.label = "Input volume";
  input.positionalIndex = 0;
  input.placeholder = "SCAN";
  input.required = true;
  input.group = "Input and output";
  input.fileExtensions = {".nrrd", ".nii.gz", ".nii", ".mha"};

  auto& output =
      program.add("output", ParameterKind::OutputLabelMap,
                  "The label map to write (.nii.gz, .nii, .nrrd or .mha); written only when the whole run succeeds.");
  output.label = "Output labels";
  output.positionalIndex = 1;
  output.placeholder = "LABELS";
  output.required = true;
  output.group = "Input and output";
  output.fileExtensions = {".nrrd", ".nii.gz", ".nii", ".mha"};

  auto& model = program.add("model", ParameterKind::StringList,
                            "Model file(s) or nnU-Net folder(s); give several (comma-separated or repeated) for an "
                            "ensemble. Default: the demonstration brain model SkipSeg ships.");
  model.label = "Model";
  model.placeholder = "MODEL[,MODEL...]";
  model.group = "Input and output";

  auto& extra =
      program.add("extra-input", ParameterKind::StringList,
                  "Further input channels, in the model's channel order after --input (multi-channel models).");
  extra.group = "Input and output";
  extra.placeholder = "FILE[,FILE...]";
  extra.slicer = false;

  auto& probabilities =
      program.add("probabilities", ParameterKind::String,
                  "Also write per-class probabilities on the scan's grid to this file (one component per label).");
  probabilities.group = "Input and output";
  probabilities.placeholder = "FILE";
  probabilities.slicer = false;

  auto& sidecar = program.add("sidecar", ParameterKind::String,
                              "Where to write the JSON record of the run (model, options, timings, label volumes). "
                              "Default: the output's name with .json; '-' for none.");
  sidecar.group = "Input and output";
  sidecar.placeholder = "FILE";
  sidecar.slicer = false;

  auto& render = program.add("render", ParameterKind::OutputDirectory,
                             "Also write one mesh per label and pictures (slices.png, surfaces.png) into this folder.");
  render.label = "Meshes and pictures folder";
  render.group = "Input and output";

  auto& series = program.add("series", ParameterKind::String,
                             "DICOM: the SeriesInstanceUID to read when the folder holds several series.");
  series.group = "Input and output";
  series.placeholder = "UID";
  series.label = "DICOM series UID";
  auto& uneven = program.add("allow-uneven-spacing", ParameterKind::Flag,
                             "DICOM: accept unevenly spaced slices by resampling them onto a regular grid (logged).");
  uneven.group = "Input and output";

  auto& device = program.add("device", ParameterKind::String, "Where the network runs: auto, cpu, cuda or cuda:N.");
  device.defaultValue = "auto";
  device.placeholder = "DEVICE";
  device.group = "Computation";
  auto& precision = program.add("precision", ParameterKind::Enumeration,
                                "Network precision; float16 needs CUDA, bfloat16 a device that has it.");
  precision.choices = {"float32", "float16", "bfloat16"};
  precision.defaultValue = "float32";
  precision.group = "Computation";
  auto& threads = program.add("threads", ParameterKind::Integer, "CPU threads (0: every core).");
  threads.defaultValue = "0";
  threads.group = "Computation";
  auto& overlap = program.add("overlap", ParameterKind::Float,
                              "Share of a patch that neighbouring sliding-window tiles have in common, in [0, 1).");
  overlap.defaultValue = "0.5";
  overlap.group = "Computation";
  auto& tileBatch = program.add("tile-batch", ParameterKind::Integer,
                                "Tiles per forward pass (0: sized from the model's patch and the device).");
  tileBatch.defaultValue = "0";
  tileBatch.group = "Computation";
  auto& mirror =
      program.add("mirror", ParameterKind::Enumeration,
                  "Test-time mirroring: off, or all (average over every flip of the axes the model allows).");
  mirror.choices = {"off", "all"};
  mirror.defaultValue = "off";
  mirror.group = "Computation";
  auto& interpolation =
      program.add("interpolation", ParameterKind::Enumeration,
                  "Interpolation of the scan onto the model's grid: model (the one the model was trained with, "
                  "bspline when it records none), bspline, linear or nearest.");
  interpolation.choices = {"model", "bspline", "linear", "nearest"};
  interpolation.defaultValue = "model";
  interpolation.group = "Computation";
  interpolation.advanced = true;
  auto& slab = program.add("slab-slices", ParameterKind::Integer,
                           "Native slices per unit when mapping scores back to the scan's grid (bounds memory).");
  slab.defaultValue = "8";
  slab.group = "Computation";
  slab.advanced = true;

  auto& largest = program.add("largest-component", ParameterKind::Enumeration,
                              "Keep only the largest connected component: none, per-label, or of all foreground.");
  largest.choices = {"none", "per-label", "foreground"};
  largest.defaultValue = "none";
  largest.group = "Postprocessing";
  auto& minimum = program.add("min-component-mm3", ParameterKind::Float,
                              "Remove connected components smaller than this volume in mm3 (0: keep all).");
  minimum.defaultValue = "0";
  minimum.group = "Postprocessing";
  minimum.label = "Smallest component kept (mm3)";
  auto& holes = program.add("fill-holes", ParameterKind::Flag, "Fill holes enclosed by a label with that label.");
  holes.group = "Postprocessing";
  return program;
}

namespace {

int runSegment(const cli::ParsedOptions& options) {
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
  const long long slabSlices = options.integer("slab-slices");
  if (slabSlices < 1) {
    throw usageError("--slab-slices must be at least 1");
  }
  pipeline.slabSlices = static_cast<std::size_t>(slabSlices);
  if (pipeline.inference.overlap < 0 || pipeline.inference.overlap >= 1) {
    throw usageError("--overlap must be in [0, 1)");
  }
  if (pipeline.inference.tileBatch < 0) {
    throw usageError("--tile-batch must be 0 (automatic) or more");
  }

  std::vector<std::string> models = options.strings("model");
  if (models.empty()) {
    const std::string fallback = defaultModelPath();
    if (fallback.empty()) {
      throw usageError("--model is required: no default model was found (set SKIPSEG_DEFAULT_MODEL or see --help)");
    }
    spdlog::info("no --model given: using the demonstration model {}", fallback);
    models.push_back(fallback);
  }

  segmentation::CaseRequest request;
  request.inputs.push_back(options.string("input"));
  for (const auto& extra : options.strings("extra-input")) {
    request.inputs.push_back(extra);
  }
  request.read.seriesUid = options.stringOr("series", "");
  request.read.allowUnevenSpacing = options.flag("allow-uneven-spacing");
  request.outputLabels = options.string("output");
  request.outputProbabilities = options.stringOr("probabilities", "");
  request.sidecar = options.stringOr("sidecar", "");
  request.renderDirectory = options.stringOr("render", "");
  Json given = Json::object();
  for (const auto& entry : options.values()) {
    given[entry.first] = entry.second.size() == 1 ? Json(entry.second.front()) : Json(entry.second);
  }
  request.commandLine = given;

  // Outputs first (milliseconds), then the scan before loading models (seconds): a wrong path should fail
  // at once, not after minutes of inference.
  io::checkImageOutput(request.outputLabels);
  if (!request.outputProbabilities.empty()) {
    io::checkImageOutput(request.outputProbabilities);
  }
  if (request.sidecar != "-") {
    checkOutputFile(request.sidecar.empty() ? segmentation::defaultSidecarPath(request.outputLabels) : request.sidecar);
  }
  if (!request.renderDirectory.empty()) {
    checkOutputFolder(request.renderDirectory);
  }
  for (const auto& input : request.inputs) {
    io::readImageInfo(input);
  }
  segmentation::SegmentationPipeline segmenter(models, pipeline);
  // Progress updates are safe points: SIGINT/SIGTERM during inference stop there, with nothing written.
  auto progress = interruptible(makeProgressReporter());
  segmenter.run(request, *progress);
  return 0;
}

}  // namespace

int segmentMain(const std::vector<std::string>& arguments) {
  return cli::runProgram(segmentProgramDescription(), arguments, runSegment);
}

}  // namespace skipseg::programs
