#include "skipseg/programs/InfoProgram.h"

#include "skipseg/cli/RunProgram.h"
#include "skipseg/core/Interrupt.h"
#include "skipseg/core/JsonFile.h"
#include "skipseg/core/Logging.h"
#include "skipseg/io/DicomSeries.h"
#include "skipseg/io/Geometry.h"
#include "skipseg/io/ImageFormats.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/Orientation.h"

#include <algorithm>
#include <iostream>

namespace skipseg::programs {
namespace {

Json seriesListJson(const std::vector<io::DicomSeriesSummary>& list) {
  Json array = Json::array();
  for (const auto& series : list) {
    array.push_back({{"uid", series.uid},
                     {"modality", series.modality},
                     {"description", series.description},
                     {"files", series.sliceCount}});
  }
  return array;
}

template <typename T>
void putIfSet(Json& object, const char* key, const std::optional<T>& value) {
  if (value) {
    object[key] = *value;
  }
}

Json petJson(const io::PetSuvInputs& suv) {
  Json object = Json::object();
  putIfSet(object, "patient_weight_kg", suv.patientWeightKg);
  putIfSet(object, "total_injected_dose_bq", suv.totalInjectedDoseBq);
  putIfSet(object, "half_life_s", suv.halfLifeSeconds);
  putIfSet(object, "injection_time", suv.injectionTime);
  putIfSet(object, "injection_date_time", suv.injectionDateTime);
  putIfSet(object, "series_date", suv.seriesDate);
  putIfSet(object, "series_time", suv.seriesTime);
  putIfSet(object, "acquisition_time", suv.acquisitionTime);
  putIfSet(object, "units", suv.units);
  putIfSet(object, "decay_correction", suv.decayCorrection);
  return object;
}

Json geometryJson(const ImageGeometry& geometry) {
  Json direction = Json::array();
  for (int row = 0; row < 3; ++row) {
    direction.push_back(
        {geometry.direction[row * 3], geometry.direction[row * 3 + 1], geometry.direction[row * 3 + 2]});
  }
  return {{"size", geometry.size},  {"spacing", geometry.spacing}, {"origin", geometry.origin},
          {"direction", direction}, {"coordinate_system", "LPS"},  {"orientation", io::orientationCode(geometry)}};
}

Json describe(const std::string& path, const io::ReadResult& read) {
  const ImageGeometry geometry = io::geometryOf(read.image);
  const float* values = read.image->GetBufferPointer();
  const auto [low, high] = std::minmax_element(values, values + geometry.voxelCount());
  Json info = {{"path", path}, {"format", read.info.format}};
  info.update(geometryJson(geometry));
  info["pixel_type"] = read.info.pixelType;
  info["components"] = read.info.components;
  info["value_range"] = {*low, *high};
  if (read.info.format == "DICOM") {
    info["modality"] = read.info.modality;
    info["series_uid"] = read.info.seriesUid;
    info["dicom_series"] = seriesListJson(read.info.dicomSeries);
  }
  if (read.info.petSuv) {
    info["pet_suv_inputs"] = petJson(*read.info.petSuv);
  }
  return info;
}

// Several values per voxel (skipseg-segment's --probabilities): each component with its label, when
// the file names them, and its value range.
Json describe(const std::string& path, const io::MultiChannelReadResult& read) {
  const ImageGeometry& geometry = read.voxels.geometry;
  Json info = {{"path", path}, {"format", read.info.format}};
  info.update(geometryJson(geometry));
  info["pixel_type"] = read.info.pixelType;
  info["components"] = read.info.components;
  const auto [low, high] = std::minmax_element(read.voxels.values.begin(), read.voxels.values.end());
  info["value_range"] = {*low, *high};
  Json components = Json::array();
  for (std::size_t c = 0; c < read.info.components; ++c) {
    const float* values = read.voxels.channel(c);
    const auto [componentLow, componentHigh] = std::minmax_element(values, values + geometry.voxelCount());
    Json component = {{"component", c}, {"value_range", {*componentLow, *componentHigh}}};
    if (!read.components.empty()) {
      component["name"] = read.components[c].name;
      component["label_value"] = read.components[c].value;
    }
    components.push_back(component);
  }
  info["component_details"] = components;
  return info;
}

int run(const cli::ParsedOptions& options) {
  stopAtOnceOnInterrupt();  // writes no files: Ctrl-C need not wait for a safe point
  const std::string path = options.string("input");
  io::ReadOptions readOptions;
  readOptions.seriesUid = options.stringOr("series", "");
  readOptions.allowUnevenSpacing = options.flag("allow-uneven-spacing");
  readOptions.gantryTilt = io::gantryTiltFromName(options.string("gantry-tilt"));
  const io::ImageInfo header = io::readImageInfo(path);
  if (header.format == "DICOM" && header.dicomSeries.size() > 1 && readOptions.seriesUid.empty()) {
    // Several series: list them (this is how a user finds the UID to pass to --series).
    spdlog::info("{} holds {} DICOM series; --series UID describes one of them", path, header.dicomSeries.size());
    const Json info = {{"path", path}, {"format", "DICOM"}, {"dicom_series", seriesListJson(header.dicomSeries)}};
    std::cout << info.dump(2) << "\n";
    return 0;
  }
  if (header.format != "DICOM" && header.components > 1) {
    std::cout << describe(path, io::readMultiChannelImage(path)).dump(2) << "\n";
    return 0;
  }
  const io::ReadResult read = io::readImage(path, readOptions);
  std::cout << describe(path, read).dump(2) << "\n";
  return 0;
}

}  // namespace

cli::ProgramDescription infoProgramDescription() {
  cli::ProgramDescription description;
  description.name = "skipseg-info";
  description.title = "SkipSeg Info";
  description.category = "Utilities.SkipSeg";
  description.description =
      "Prints what an image holds as JSON on stdout: size, spacing (mm), origin and direction (LPS, as ITK), the "
      "orientation code (RAS-style letters naming where each voxel axis points), the pixel type as stored and the "
      "value range. For a DICOM folder it also lists the series (UID, modality, description, files); with several "
      "series and no --series it prints only that list.";
  description.slicerModule = false;
  auto& input = description.add("input", cli::ParameterKind::InputImage,
                                "Image file (" + io::describeWritableExtensions() + "), DICOM file or DICOM folder.");
  input.positionalIndex = 0;
  input.placeholder = "IMAGE";
  input.required = true;
  input.label = "Input image";
  description
      .add("series", cli::ParameterKind::String,
           "DICOM only: the SeriesInstanceUID to describe when the folder holds several series.")
      .placeholder = "UID";
  description.add("allow-uneven-spacing", cli::ParameterKind::Flag,
                  "DICOM only: accept unevenly spaced slices, resampled linearly onto a regular grid (logged).");
  auto& tilt = description.add("gantry-tilt", cli::ParameterKind::Enumeration,
                               "DICOM only: a gantry-tilted series is resampled onto a regular grid along the slice "
                               "normal (logged with the angle) or refused.");
  tilt.choices = {"resample", "refuse"};
  tilt.defaultValue = "resample";
  return description;
}

int infoMain(const std::vector<std::string>& arguments) {
  return cli::runProgram(infoProgramDescription(), arguments, run);
}

}  // namespace skipseg::programs
