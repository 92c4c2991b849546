#include "skipseg/programs/ConvertProgram.h"

#include "skipseg/cli/RunProgram.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/Interrupt.h"
#include "skipseg/core/Logging.h"
#include "skipseg/io/Geometry.h"
#include "skipseg/io/ImageFormats.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/ImageWriter.h"
#include "skipseg/io/Orientation.h"

namespace skipseg::programs {
namespace {

int run(const cli::ParsedOptions& options) {
  const std::string input = options.string("input");
  const std::string output = options.string("output");
  const std::string orientation = options.stringOr("orient", "");
  // Refuse what cannot work before reading a large series.
  if (!orientation.empty() && !io::isOrientationCode(orientation)) {
    throw usageError("--orient: '" + orientation +
                     "' is not an orientation code: use three letters, one each from R/L, A/P and S/I (e.g. RAS, LPS)");
  }
  io::checkImageOutput(output);
  io::ReadOptions readOptions;
  readOptions.seriesUid = options.stringOr("series", "");
  readOptions.allowUnevenSpacing = options.flag("allow-uneven-spacing");
  readOptions.gantryTilt = io::gantryTiltFromName(options.string("gantry-tilt"));

  if (options.flag("labels")) {
    auto labels = io::readLabelImage(input, readOptions);
    throwIfInterrupted();
    if (!orientation.empty()) {
      labels = io::reorient(labels.GetPointer(), orientation);
      throwIfInterrupted();
    }
    io::writeLabelImage(labels, output);
    spdlog::info("Wrote labels {} ({}, {})", output, io::orientationCode(labels.GetPointer()),
                 io::geometryOf(labels).describe());
    return 0;
  }
  io::ReadResult read = io::readImage(input, readOptions);
  throwIfInterrupted();  // safe points: SIGINT/SIGTERM stop here rather than after the write
  if (!orientation.empty()) {
    read.image = io::reorient(read.image.GetPointer(), orientation);
    throwIfInterrupted();
  }
  // Files keep their stored type; DICOM values (after rescale) take the smallest type that holds them.
  const io::PixelTypeHint hint =
      read.info.format == "DICOM" ? io::PixelTypeHint::Automatic : io::pixelTypeHintFor(read.info.pixelType);
  io::writeImage(read.image, output, hint);
  spdlog::info("Wrote {} ({}, {})", output, io::orientationCode(read.image.GetPointer()),
               io::geometryOf(read.image).describe());
  return 0;
}

}  // namespace

cli::ProgramDescription convertProgramDescription() {
  cli::ProgramDescription description;
  description.name = "skipseg-convert";
  description.title = "SkipSeg Convert";
  description.category = "Utilities.SkipSeg";
  description.description =
      "Converts an image file or a DICOM series into NIfTI (.nii, .nii.gz), NRRD (.nrrd, .nhdr) or MetaImage "
      "(.mha, .mhd), keeping origin, spacing and direction. With --orient the voxel axes are permuted and flipped to "
      "the given orientation code; every voxel keeps its world position. The output appears only when complete.";
  description.slicerModule = true;
  auto& input =
      description.add("input", cli::ParameterKind::InputImage, "Image file, DICOM file or DICOM folder to convert.");
  input.positionalIndex = 0;
  input.placeholder = "INPUT";
  input.required = true;
  input.label = "Input image";
  input.group = "Input and output";
  input.fileExtensions = io::slicerImageExtensions();
  auto& output =
      description.add("output", cli::ParameterKind::OutputImage,
                      "Output file; its extension chooses the format (" + io::describeWritableExtensions() + ").");
  output.positionalIndex = 1;
  output.placeholder = "OUTPUT";
  output.required = true;
  output.label = "Output image";
  output.group = "Input and output";
  output.fileExtensions = io::slicerImageExtensions();
  description
      .add("series", cli::ParameterKind::String,
           "DICOM only: the SeriesInstanceUID to convert when the folder holds several series "
           "(skipseg-info lists them).")
      .placeholder = "UID";
  description.parameters.back().slicer = false;  // Slicer passes a volume file, never a DICOM folder
  description
      .add("orient", cli::ParameterKind::String,
           "Reorient to this code, e.g. RAS or LPS: the letters name where voxel axes i, j, k point.")
      .placeholder = "CODE";
  description.parameters.back().label = "Orientation code";
  description
      .add("allow-uneven-spacing", cli::ParameterKind::Flag,
           "DICOM only: accept unevenly spaced slices, resampled linearly onto a regular grid (logged).")
      .slicer = false;
  auto& tilt = description.add("gantry-tilt", cli::ParameterKind::Enumeration,
                               "DICOM only: a gantry-tilted series is resampled onto a regular grid along the slice "
                               "normal (logged with the angle) or refused.");
  tilt.choices = {"resample", "refuse"};
  tilt.defaultValue = "resample";
  tilt.slicer = false;
  auto& labels =
      description.add("labels", cli::ParameterKind::Flag,
                      "Treat the image as a label map: integer values 0..65535 are required and written as the "
                      "smallest unsigned type that holds them.");
  labels.label = "Label map";
  return description;
}

int convertMain(const std::vector<std::string>& arguments) {
  return cli::runProgram(convertProgramDescription(), arguments, run);
}

}  // namespace skipseg::programs
