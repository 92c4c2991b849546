#include "skipseg/io/DicomSeries.h"

#include "DicomSliceGeometry.h"
#include "DicomTags.h"
#include "ImageIOFactories.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/Logging.h"
#include "skipseg/io/Geometry.h"

#include <gdcmScanner.h>
#include <itkGDCMImageIO.h>
#include <itkImageFileReader.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>

namespace fs = std::filesystem;

namespace skipseg::io {
namespace {

const gdcm::Tag kSeriesUid(0x0020, 0x000e);
const gdcm::Tag kModality(0x0008, 0x0060);
const gdcm::Tag kSeriesDescription(0x0008, 0x103e);
const gdcm::Tag kImagePosition(0x0020, 0x0032);
const gdcm::Tag kImageOrientation(0x0020, 0x0037);
const gdcm::Tag kRows(0x0028, 0x0010);
const gdcm::Tag kColumns(0x0028, 0x0011);
const gdcm::Tag kNumberOfFrames(0x0028, 0x0008);
const gdcm::Tag kSamplesPerPixel(0x0028, 0x0002);
const gdcm::Tag kBitsAllocated(0x0028, 0x0100);
const gdcm::Tag kPixelRepresentation(0x0028, 0x0103);
const gdcm::Tag kSopClassUid(0x0008, 0x0016);
const gdcm::Tag kSopInstanceUid(0x0008, 0x0018);
const gdcm::Tag kStudyInstanceUid(0x0020, 0x000d);
const gdcm::Tag kFrameOfReferenceUid(0x0020, 0x0052);
const gdcm::Tag kPatientId(0x0010, 0x0020);
const gdcm::Tag kStudyDate(0x0008, 0x0020);
const gdcm::Tag kSeriesNumber(0x0020, 0x0011);
const gdcm::Tag kImageType(0x0008, 0x0008);

// Every regular file under `path` (or the file itself), sorted so that the order never depends on the filesystem.
std::vector<std::string> candidateFiles(const std::string& path) {
  std::vector<std::string> files;
  std::error_code error;
  if (!fs::is_directory(path, error)) {
    files.push_back(path);
    return files;
  }
  for (fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, error), end;
       !error && it != end; it.increment(error)) {
    if (it->is_regular_file(error)) {
      files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct ScannedFolder {
  gdcm::Scanner scanner;
  std::vector<std::string> dicomFiles;  // files that carry a SeriesInstanceUID
};

// `onlyFiles`, when given, replaces the folder's listing (a PACS export's series: its folder may hold thousands
// of other files).
void scanFolder(const std::string& path, ScannedFolder& scanned, const std::vector<std::string>& onlyFiles = {}) {
  for (const auto& tag :
       {kSeriesUid, kModality, kSeriesDescription, kImagePosition, kImageOrientation, kRows, kColumns, kNumberOfFrames,
        kSamplesPerPixel, kBitsAllocated, kPixelRepresentation, kSopClassUid, kSopInstanceUid, kStudyInstanceUid,
        kFrameOfReferenceUid, kPatientId, kStudyDate, kSeriesNumber, kImageType}) {
    scanned.scanner.AddTag(tag);
  }
  const auto files = onlyFiles.empty() ? candidateFiles(path) : onlyFiles;
  gdcm::Directory::FilenamesType names(files.begin(), files.end());
  scanned.scanner.Scan(names);
  // A file is DICOM when GDCM parsed it and it carries any of the scanned tags. The SeriesInstanceUID may
  // be empty (some anonymisers blank it): such files form one series with an empty UID.
  for (const auto& file : files) {
    if (!scanned.scanner.IsKey(file.c_str())) {
      continue;
    }
    for (const auto& tag : {kSeriesUid, kModality, kImagePosition, kRows, kColumns}) {
      if (!detail::scannedValue(scanned.scanner, file, tag).empty()) {
        scanned.dicomFiles.push_back(file);
        break;
      }
    }
  }
  if (scanned.dicomFiles.empty()) {
    throw badInput(path, files.empty() ? "is an empty folder (no DICOM files)"
                                       : "holds no DICOM files (" + std::to_string(files.size()) + " other files)");
  }
}

std::vector<DicomSeriesSummary> summarize(const ScannedFolder& scanned) {
  std::map<std::string, DicomSeriesSummary> byUid;
  for (const auto& file : scanned.dicomFiles) {
    const std::string uid = detail::scannedValue(scanned.scanner, file, kSeriesUid);
    auto& series = byUid[uid];
    if (series.sliceCount == 0) {
      const auto value = [&](const gdcm::Tag& tag) { return detail::scannedValue(scanned.scanner, file, tag); };
      series.uid = uid;
      series.modality = value(kModality);
      series.description = value(kSeriesDescription);
      series.patientId = value(kPatientId);
      series.studyInstanceUid = value(kStudyInstanceUid);
      series.studyDate = value(kStudyDate);
      series.seriesNumber = value(kSeriesNumber);
      series.imageType = value(kImageType);
      series.hasPixels = !value(kRows).empty() && !value(kColumns).empty();
    }
    ++series.sliceCount;
    series.files.push_back(file);
  }
  std::vector<DicomSeriesSummary> list;
  for (auto& entry : byUid) {
    list.push_back(entry.second);
  }
  return list;
}

std::string describeAll(const std::vector<DicomSeriesSummary>& list) {
  std::string text;
  for (const auto& series : list) {
    text += (text.empty() ? "" : "; ") + describeSeries(series);
  }
  return text;
}

const DicomSeriesSummary& chooseSeries(const std::string& path, const std::vector<DicomSeriesSummary>& list,
                                       const std::string& wanted) {
  if (!wanted.empty()) {
    for (const auto& series : list) {
      if (series.uid == wanted) {
        return series;
      }
    }
    throw badInput(path, "holds no DICOM series with UID " + wanted + "; it holds: " + describeAll(list));
  }
  if (list.size() > 1) {
    throw badInput(path, "holds " + std::to_string(list.size()) +
                             " DICOM series; choose one with --series UID: " + describeAll(list));
  }
  return list.front();
}

std::string storedPixelType(const ScannedFolder& scanned, const std::string& file) {
  const std::string bits = detail::scannedValue(scanned.scanner, file, kBitsAllocated);
  const bool isSigned = detail::scannedValue(scanned.scanner, file, kPixelRepresentation) == "1";
  if (bits.empty()) {
    return "unknown";
  }
  return (isSigned ? "int" : "uint") + bits;
}

using SliceImage = FloatImage;

// Reads one file with GDCM through ITK (decompressing JPEG 2000 / JPEG lossless / RLE and applying
// that file's RescaleSlope/Intercept).
SliceImage::Pointer readDicomFile(const std::string& seriesPath, const std::string& file) {
  auto reader = itk::ImageFileReader<SliceImage>::New();
  reader->SetImageIO(itk::GDCMImageIO::New());
  reader->SetFileName(file);
  try {
    reader->Update();
  } catch (const std::exception& error) {
    throw badInput(seriesPath, "cannot read the DICOM file " + fs::path(file).filename().string() + ": " +
                                   detail::describeItkError(error));
  }
  SliceImage::Pointer image = reader->GetOutput();
  image->DisconnectPipeline();
  return image;
}

// The source identity of the volume: study, frame of reference, and each instance in volume slice order.
// `sortedFiles` are the series' files along the slice normal; they are the volume's slices unless resampled.
DicomSourceIdentity identityOf(const std::string& path, const ScannedFolder& scanned, const DicomSeriesSummary& series,
                               const std::vector<std::string>& sortedFiles, bool slicesAreVolumeSlices) {
  DicomSourceIdentity identity;
  identity.folder = path;
  identity.seriesInstanceUid = series.uid;
  identity.modality = series.modality;
  const std::string& first = sortedFiles.front();
  identity.studyInstanceUid = detail::scannedValue(scanned.scanner, first, kStudyInstanceUid);
  identity.frameOfReferenceUid = detail::scannedValue(scanned.scanner, first, kFrameOfReferenceUid);
  for (std::size_t k = 0; k < sortedFiles.size(); ++k) {
    DicomInstanceReference instance;
    instance.file = sortedFiles[k];
    instance.sopClassUid = detail::scannedValue(scanned.scanner, instance.file, kSopClassUid);
    instance.sopInstanceUid = detail::scannedValue(scanned.scanner, instance.file, kSopInstanceUid);
    const auto position = detail::parseNumbers(detail::scannedValue(scanned.scanner, instance.file, kImagePosition));
    if (position.size() == 3) {
      instance.position = {position[0], position[1], position[2]};
    }
    if (slicesAreVolumeSlices) {
      instance.sliceIndex = k;
    }
    identity.instances.push_back(instance);
  }
  return identity;
}

}  // namespace

std::string describeSeries(const DicomSeriesSummary& series) {
  std::ostringstream text;
  text << (series.uid.empty() ? "(no SeriesInstanceUID)" : series.uid) << " ("
       << (series.modality.empty() ? "unknown modality" : series.modality) << ", \"" << series.description << "\", "
       << series.sliceCount << (series.sliceCount == 1 ? " file)" : " files)");
  return text.str();
}

std::vector<DicomSeriesSummary> listDicomSeries(const std::string& folder) {
  detail::registerImageIOFactories();
  ScannedFolder scanned;
  scanFolder(folder, scanned);
  return summarize(scanned);
}

ReadResult readDicomSeries(const std::string& path, const ReadOptions& options) {
  detail::registerImageIOFactories();
  ScannedFolder scanned;
  scanFolder(path, scanned, options.dicomFiles);
  ReadResult result;
  result.info.format = "DICOM";
  result.info.dicomSeries = summarize(scanned);
  const DicomSeriesSummary& series = chooseSeries(path, result.info.dicomSeries, options.seriesUid);
  result.info.seriesUid = series.uid;
  result.info.modality = series.modality;

  std::vector<detail::DicomSlice> slices;
  for (const auto& file : scanned.dicomFiles) {
    if (detail::scannedValue(scanned.scanner, file, kSeriesUid) != series.uid) {
      continue;
    }
    detail::DicomSlice slice;
    slice.file = file;
    slice.position = detail::scannedValue(scanned.scanner, file, kImagePosition);
    slice.orientation = detail::scannedValue(scanned.scanner, file, kImageOrientation);
    slice.rows = detail::scannedValue(scanned.scanner, file, kRows);
    slice.columns = detail::scannedValue(scanned.scanner, file, kColumns);
    slice.frames = detail::scannedValue(scanned.scanner, file, kNumberOfFrames);
    slices.push_back(slice);
  }
  const std::string& first = slices.front().file;
  result.info.pixelType = storedPixelType(scanned, first);
  const std::string samples = detail::scannedValue(scanned.scanner, first, kSamplesPerPixel);
  const auto components = samples.empty() ? std::optional<unsigned long>(1) : detail::parseCount(samples);
  if (!components) {
    throw badInput(path, "the DICOM file " + fs::path(first).filename().string() +
                             " has a malformed SamplesPerPixel (0028,0002): \"" + samples + "\"");
  }
  result.info.components = *components;
  if (result.info.components != 1) {
    throw unsupported(path, "DICOM series " + series.uid + " has " + samples +
                                " values per pixel (colour images); SkipSeg reads images with one value per voxel");
  }
  if (detail::scannedValue(scanned.scanner, first, kRows).empty() ||
      detail::scannedValue(scanned.scanner, first, kColumns).empty()) {
    throw badInput(path, "DICOM series " + series.uid + " (" + series.modality +
                             ") holds no image (no Rows/Columns: a report, structure set or other non-image object)");
  }
  if (series.modality == "PT") {
    result.info.petSuv = detail::readPetSuvInputs(first);
  }

  if (slices.size() == 1) {
    // One file: one slice, or a multi-frame file whose frame geometry GDCM works out.
    result.image = readDicomFile(path, first);
    const std::string frames = detail::scannedValue(scanned.scanner, first, kNumberOfFrames);
    result.info.dicomSource = identityOf(path, scanned, series, {first}, frames.empty() || frames == "1");
    spdlog::info("DICOM series {}: one file, geometry as GDCM reports it", series.uid);
    return result;
  }

  const detail::SeriesGeometry layout =
      detail::arrangeSlices(path, slices, options.allowUnevenSpacing, options.gantryTilt);
  SliceImage::Pointer firstImage = readDicomFile(path, layout.sortedFiles.front());
  const auto sliceSize = firstImage->GetLargestPossibleRegion().GetSize();
  const std::size_t sliceVoxels = sliceSize[0] * sliceSize[1];
  if (sliceSize[2] != 1) {
    throw unsupported(path,
                      "DICOM series " + series.uid + " mixes multi-frame files; SkipSeg reads one frame per file");
  }
  std::vector<float> stack(sliceVoxels * layout.sortedFiles.size());
  for (std::size_t k = 0; k < layout.sortedFiles.size(); ++k) {
    SliceImage::Pointer slice = k == 0 ? firstImage : readDicomFile(path, layout.sortedFiles[k]);
    const auto size = slice->GetLargestPossibleRegion().GetSize();
    if (size[0] != sliceSize[0] || size[1] != sliceSize[1] || size[2] != 1) {
      throw badInput(path, "DICOM slices differ in size: " + fs::path(layout.sortedFiles[k]).filename().string() +
                               " is " + std::to_string(size[0]) + "x" + std::to_string(size[1]) + ", the first " +
                               std::to_string(sliceSize[0]) + "x" + std::to_string(sliceSize[1]));
    }
    std::copy_n(slice->GetBufferPointer(), sliceVoxels, stack.begin() + static_cast<std::ptrdiff_t>(k * sliceVoxels));
  }

  const detail::InPlaneGrid grid = detail::coverSlices(layout, {sliceSize[0], sliceSize[1]},
                                                       {firstImage->GetSpacing()[0], firstImage->GetSpacing()[1]});
  ImageGeometry geometry;
  geometry.size = {grid.size[0], grid.size[1], layout.sliceCount};
  geometry.spacing = {grid.spacing[0], grid.spacing[1], layout.sliceSpacing};
  for (int world = 0; world < 3; ++world) {
    geometry.origin[world] = layout.origin[world] + grid.start[0] * layout.rowDirection[world] +
                             grid.start[1] * layout.columnDirection[world];
    geometry.direction[world * 3 + 0] = layout.rowDirection[world];
    geometry.direction[world * 3 + 1] = layout.columnDirection[world];
    geometry.direction[world * 3 + 2] = layout.normal[world];
  }
  result.image = FloatImage::New();
  applyGeometry(geometry, result.image);
  result.image->Allocate();
  // Voxels of a sheared stack that no slice covers: the series' lowest value (air in CT).
  const float outside = stack.empty() ? 0.0f : *std::min_element(stack.begin(), stack.end());
  detail::fillRegularSlices(layout, grid, stack, outside, result.image->GetBufferPointer());
  result.info.dicomSource = identityOf(path, scanned, series, layout.sortedFiles, !layout.resampled && !layout.tilted);
  if (layout.tilted) {
    spdlog::info("DICOM series {}: gantry tilt of {:.3g} degrees; {}x{} slices widened to {}x{}", series.uid,
                 layout.tiltDegrees, sliceSize[0], sliceSize[1], grid.size[0], grid.size[1]);
  }
  spdlog::info("DICOM series {} ({}, \"{}\"): {} slices sorted along the slice normal, spacing {} mm from positions",
               series.uid, series.modality, series.description, slices.size(), layout.sliceSpacing);
  return result;
}

}  // namespace skipseg::io
