#include "skipseg/programs/RenderProgram.h"

#include "skipseg/cli/RunProgram.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/Interrupt.h"
#include "skipseg/core/JsonFile.h"
#include "skipseg/core/ModelArchive.h"
#include "skipseg/core/OutputCheck.h"
#include "skipseg/core/OutputTransaction.h"
#include "skipseg/core/Progress.h"
#include "skipseg/evaluation/GridMatching.h"
#include "skipseg/evaluation/LabelTable.h"
#include "skipseg/io/ImageFormats.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/render/AnnotatedPictures.h"
#include "skipseg/render/RenderSegmentation.h"

#include <spdlog/spdlog.h>

#include <filesystem>

namespace skipseg::programs {

using cli::ParameterKind;

cli::ProgramDescription renderProgramDescription() {
  cli::ProgramDescription program;
  program.name = "skipseg-render";
  program.title = "SkipSeg Render";
  program.category = "Segmentation.SkipSeg";
  program.description =
      "Turns a label image into one surface mesh per label, in world coordinates (LPS by default, marked in the "
      "file, so 3D Slicer shows each mesh on its scan without moving it), a PNG of axial, coronal and sagittal "
      "slices through the labels' centre with the labels over the scan, and an off-screen 3D picture of the "
      "meshes seen from the front. Needs an X display for the 3D picture and starts Xvfb when there is none. "
      "Details: Documentation/Rendering.md.";
  program.slicerModule = true;
  auto& labels = program.add("labels", ParameterKind::InputLabelMap, "The label image.");
  labels.required = true;
  labels.positionalIndex = 0;
  labels.placeholder = "LABELS";
  labels.group = "Input and output";
  labels.label = "Label map";
  labels.fileExtensions = io::slicerImageExtensions();
  auto& image = program.add("image", ParameterKind::InputImage,
                            "The scan under the labels (same grid), shown under the slices; without it the labels "
                            "are drawn on black.");
  image.group = "Input and output";
  image.label = "Scan";
  image.positionalIndex = 1;
  image.placeholder = "SCAN";  // the last position: Slicer may leave it out
  image.fileExtensions = io::slicerImageExtensions();
  auto& output = program.add("output-dir", ParameterKind::OutputDirectory, "Folder for the meshes and pictures.");
  output.required = true;
  output.group = "Input and output";
  output.label = "Output folder";
  output.placeholder = "DIR";
  auto& names =
      program.add("label-names", ParameterKind::InputFile,
                  "Label names and colours: a model (.ssm, TorchScript .pt, nnU-Net folder or dataset.json), a "
                  "skipseg-segment sidecar, a skipseg-batch summary, a JSON {\"1\": \"spleen\"}, or a colour table "
                  "(\"id name r g b a\", 3D Slicer .ctbl). Default: the sidecar beside the labels.");
  names.slicer = false;  // a file after the optional scan would take the scan's position in Slicer
  auto& format = program.add("mesh-format", ParameterKind::Enumeration, "Mesh file format, or none for no meshes.");
  format.choices = {"vtp", "stl", "obj", "none"};
  format.defaultValue = "vtp";
  auto& space = program.add("coordinates", ParameterKind::Enumeration,
                            "Coordinate system of the mesh files: LPS (ITK, DICOM, 3D Slicer's default) or RAS.");
  space.choices = {"LPS", "RAS"};
  space.defaultValue = "LPS";
  auto& iterations = program.add("smoothing-iterations", ParameterKind::Integer,
                                 "Windowed-sinc smoothing iterations (0: the raw voxel surface).");
  iterations.defaultValue = "20";
  iterations.advanced = true;
  auto& passBand =
      program.add("pass-band", ParameterKind::Float, "Windowed-sinc pass band (0 to 2; smaller smooths more).");
  passBand.defaultValue = "0.1";
  passBand.advanced = true;
  auto& decimation = program.add("decimation", ParameterKind::Float,
                                 "Fraction of triangles removed by quadric decimation (0 keeps all, 0.9 removes 90%).");
  decimation.defaultValue = "0";
  decimation.advanced = true;
  auto& window = program.add("window", ParameterKind::Enumeration,
                             "Grey window of the scan: a CT preset (W/L soft tissue 400/40, lung 1500/-600, bone "
                             "1800/400, brain 80/40), the 1st-99th percentile (MR, PET), or auto (CT soft tissue when "
                             "the scan holds air below -500, else percentile).");
  window.choices = {"auto", "ct-soft-tissue", "ct-lung", "ct-bone", "ct-brain", "percentile"};
  window.defaultValue = "auto";
  program.add("no-slices", ParameterKind::Flag, "Do not write slices.png.").label = "No slice picture";
  program.add("no-3d", ParameterKind::Flag, "Do not write surfaces.png (no X display needed).").label = "No 3D picture";
  auto& size = program.add("size", ParameterKind::Integer,
                           "Width and height of the 3D view in surfaces.png, in pixels (title and legend add to it).");
  size.defaultValue = "800";
  size.label = "3D view size (pixels)";
  auto& panel = program.add("panel-size", ParameterKind::Integer,
                            "slices.png: the largest panel is at least this many pixels (small scans get finer "
                            "pixels than their voxels); 0: pixels of the finest voxel spacing.");
  panel.defaultValue = "384";
  panel.advanced = true;
  panel.label = "Smallest slice panel (pixels)";
  return program;
}

namespace {

// The model named in the pictures' title: the one given as --label-names, else the one skipseg-segment's
// sidecar beside the labels records; empty when neither says.
std::string modelForTitle(const cli::ParsedOptions& options, const std::string& labelsPath) {
  const std::string names = options.stringOr("label-names", "");
  if (!names.empty() && (looksLikeZipArchive(names) || std::filesystem::is_directory(names))) {
    return names;
  }
  try {
    const Json sidecar = readJsonFile(evaluation::sidecarPathBeside(labelsPath));
    if (sidecar.contains("models") && sidecar.at("models").is_array() && !sidecar.at("models").empty()) {
      return sidecar.at("models").front().get<std::string>();
    }
  } catch (const std::exception&) {
    // no sidecar, or not ours: the title leaves the model out
  }
  return "";
}

}  // namespace

int renderMain(const std::vector<std::string>& arguments) {
  return cli::runProgram(renderProgramDescription(), arguments, [](const cli::ParsedOptions& options) {
    render::RenderOptions renderOptions;
    renderOptions.meshFormat = options.string("mesh-format");
    renderOptions.mesh.coordinateSystem =
        options.string("coordinates") == "RAS" ? render::CoordinateSystem::RAS : render::CoordinateSystem::LPS;
    renderOptions.mesh.smoothingIterations = static_cast<int>(options.integer("smoothing-iterations"));
    renderOptions.mesh.smoothingPassBand = options.number("pass-band");
    renderOptions.mesh.decimation = options.number("decimation");
    renderOptions.mosaic.window = render::parseWindowPreset(options.string("window"));
    renderOptions.slices = !options.flag("no-slices");
    renderOptions.surfaces = !options.flag("no-3d");
    const long long size = options.integer("size");
    if (renderOptions.mesh.smoothingIterations < 0 || renderOptions.mesh.smoothingPassBand <= 0 ||
        renderOptions.mesh.smoothingPassBand > 2 || renderOptions.mesh.decimation < 0 ||
        renderOptions.mesh.decimation >= 1 || size < 16 || size > 8192 || options.integer("panel-size") < 0 ||
        options.integer("panel-size") > 4096) {
      throw usageError(
          "--smoothing-iterations must be 0 or more, --pass-band in (0, 2], --decimation in [0, 1), "
          "--size in 16..8192 and --panel-size in 0..4096");
    }
    renderOptions.mosaic.minimumPanelSize = static_cast<int>(options.integer("panel-size"));
    renderOptions.surfaceRender.width = renderOptions.surfaceRender.height = static_cast<int>(size);

    std::vector<LabelInfo> table;
    if (options.has("label-names")) {
      table = evaluation::readLabelTable(options.string("label-names"));
    }
    const std::string outputFolder = options.string("output-dir");
    checkOutputFolder(outputFolder);  // before reading anything
    const std::string labelsPath = options.string("labels");
    if (table.empty()) {
      table = evaluation::labelTableBeside(labelsPath);  // names from skipseg-segment's sidecar
    }
    const auto labels = io::readLabelImage(labelsPath);
    io::FloatImage::Pointer image;
    if (options.has("image")) {
      image = io::readImage(options.string("image")).image;
    }
    if (image && !evaluation::sameGrid(*labels, *image)) {
      throw badInput(labelsPath, "not on the grid of " + options.string("image") + " (labels " +
                                     evaluation::describeGrid(*labels) + ", image " + evaluation::describeGrid(*image) +
                                     ")");
    }
    renderOptions.title =
        render::pictureTitle(options.stringOr("image", ""), labelsPath, modelForTitle(options, labelsPath));
    // Every mesh and picture, or none of them: a failure or a signal takes back what was written.
    OutputTransaction transaction;
    auto progress = interruptible(makeProgressReporter());
    const auto result =
        render::renderSegmentation(*labels, image.GetPointer(), table, outputFolder, renderOptions, *progress);
    transaction.commit();
    spdlog::info("wrote {} files to {}", result.files.size(), options.string("output-dir"));
    return 0;
  });
}

}  // namespace skipseg::programs
