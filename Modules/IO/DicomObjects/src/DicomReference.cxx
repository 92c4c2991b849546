#include "skipseg/dicomobjects/DicomReference.h"

#include "skipseg/core/Error.h"
#include "skipseg/io/Orientation.h"

namespace skipseg::dicomobjects {

std::optional<DicomReference> dicomReferenceOf(const io::ImageInfo& info, const ImageGeometry& grid) {
  if (!info.dicomSource) {
    return std::nullopt;
  }
  return DicomReference{*info.dicomSource, grid};
}

Error referenceSeriesNeeded(const std::string& scan) {
  return usageError("--output-dicom-seg and --output-rtstruct need a DICOM series: " + scan +
                    " is not one, give --reference-series DIR (the series the scan was converted from)");
}

DicomReference readDicomReference(const std::string& folder, const io::ReadOptions& options) {
  const io::ReadResult read = io::readImage(folder, options);
  auto reference = dicomReferenceOf(read.info, geometryOf(*read.image));
  if (!reference) {
    throw badInput(folder, "not a DICOM series (a DICOM SEG or RTSTRUCT must reference the series it lies on)");
  }
  return *reference;
}

void checkReferenceable(const DicomReference& reference) {
  const auto& identity = reference.identity;
  // Anonymisers sometimes blank the UIDs; a derived object that names no study or source is worthless.
  if (identity.studyInstanceUid.empty() || identity.seriesInstanceUid.empty()) {
    throw badInput(identity.folder, std::string("the series has no ") +
                                        (identity.studyInstanceUid.empty() ? "Study Instance UID (0020,000D)"
                                                                           : "Series Instance UID (0020,000E)") +
                                        ": a DICOM SEG or RTSTRUCT must name the study and series it derives from");
  }
  if (identity.frameOfReferenceUid.empty()) {
    throw badInput(identity.folder,
                   "the series has no Frame of Reference UID (0020,0052): a DICOM SEG or RTSTRUCT "
                   "places its frames and contours in the series' frame of reference");
  }
  for (const auto& instance : identity.instances) {
    if (instance.sopClassUid.empty() || instance.sopInstanceUid.empty()) {
      throw badInput(instance.file,
                     "no SOP Class or SOP Instance UID (0008,0016 / 0008,0018): a DICOM SEG or RTSTRUCT cannot "
                     "reference it");
    }
  }
  const auto& instances = identity.instances;
  std::size_t onSlices = 0;
  for (const auto& instance : instances) {
    onSlices += instance.sliceIndex ? 1 : 0;
  }
  if (instances.empty() || onSlices != instances.size() || onSlices != reference.grid.size[2]) {
    throw badInput(reference.identity.folder,
                   "the volume's slices are not the series' own instances (resampled for uneven spacing or a "
                   "gantry tilt, or a multi-frame file): a DICOM SEG or RTSTRUCT must reference the instance of "
                   "every slice");
  }
}

LabelImage::Pointer labelsOnReferenceGrid(const LabelImage& labels, const DicomReference& reference,
                                          const std::string& labelsName) {
  // Same voxels, stored in another axis order (e.g. LAS NIfTI of an LPS series): permute and flip only.
  LabelImage::Pointer placed = io::reorient(&labels, io::orientationCode(reference.grid));
  const ImageGeometry grid = geometryOf(*placed);
  if (!grid.sameGrid(reference.grid, 1e-3)) {
    throw badInput(labelsName, "not on the grid of the DICOM series " + reference.identity.folder + " (labels " +
                                   grid.describe() + ", series " + reference.grid.describe() +
                                   "): DICOM SEG and RTSTRUCT are written only on the series' own grid, never "
                                   "resampled");
  }
  return placed;
}

}  // namespace skipseg::dicomobjects
