#include "skipseg/programs/SegmentProgram.h"

#include "skipseg/cli/RunProgram.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/Interrupt.h"
#include "skipseg/core/OutputCheck.h"
#include "skipseg/core/Progress.h"
#include "skipseg/io/ImageFormats.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/ImageWriter.h"
#include "skipseg/segmentation/SegmentationPipeline.h"

#include "SegmentationOptions.h"

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
  input.fileExtensions = io::slicerImageExtensions();

  auto& output =
      program.add("output", ParameterKind::OutputLabelMap,
                  "The label map to write (.nii.gz, .nii, .nrrd or .mha); written only when the whole run succeeds.");
  output.label = "Output labels";
  output.positionalIndex = 1;
  output.placeholder = "LABELS";
  output.required = true;
  output.group = "Input and output";
  output.fileExtensions = io::slicerImageExtensions();

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

  auto& preview =
      program.add("preview", ParameterKind::String,
                  "Also write one picture to this PNG file: axial, coronal and sagittal slices with the labels "
                  "over the scan, a legend, orientation letters and a scale bar. No meshes, no 3D, no X "
                  "display needed (--render writes meshes and both pictures).");
  preview.group = "Input and output";
  preview.placeholder = "FILE.png";
  preview.slicer = false;  // Slicer shows the labels itself

  auto& series = program.add("series", ParameterKind::String,
                             "DICOM: the SeriesInstanceUID to read when the folder holds several series.");
  series.group = "Input and output";
  series.placeholder = "UID";
  series.label = "DICOM series UID";
  // How the scan is segmented: the table skipseg-batch's segment worker uses too.
  for (const auto& entry : segmentationParameters()) {
    program.parameters.push_back(entry);
  }
  return program;
}

namespace {

// A preview is a PNG file: another name is most likely a folder meant for --render.
void checkPreviewPath(const std::string& path) {
  const std::string ending = ".png";
  if (path.size() <= ending.size() || path.compare(path.size() - ending.size(), ending.size(), ending) != 0) {
    throw usageError("--preview must name a .png file, not \"" + path + "\" (--render DIR writes a folder)");
  }
  checkOutputFile(path);
}

int runSegment(const cli::ParsedOptions& options) {
  const segmentation::PipelineOptions pipeline = segmentationOptionsFrom(options);

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
  request.read = scanReadOptionsFrom(options);
  request.read.seriesUid = options.stringOr("series", "");
  request.outputLabels = options.string("output");
  request.outputProbabilities = options.stringOr("probabilities", "");
  request.sidecar = options.stringOr("sidecar", "");
  request.renderDirectory = options.stringOr("render", "");
  request.preview = options.stringOr("preview", "");
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
    segmentation::checkRenderingAvailable(request.renderDirectory);
    checkOutputFolder(request.renderDirectory);
  }
  if (!request.preview.empty()) {
    segmentation::checkRenderingAvailable(request.preview);
    checkPreviewPath(request.preview);
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
