#pragma once
// DICOM folders: which series they hold, and reading one series as a volume with its slices
// sorted along the slice normal and its geometry taken from the slice positions.
#include "skipseg/io/ImageInfo.h"
#include "skipseg/io/ImageReader.h"

#include <string>
#include <vector>

namespace skipseg::io {

/// Every series in `folder` (files directly in it and in sub-folders), sorted by UID.
/// Throws BadInput when the folder holds no DICOM file.
std::vector<DicomSeriesSummary> listDicomSeries(const std::string& folder);

/// Reads one series (options.seriesUid, or the only one). Checks, each reported as BadInput with the
/// folder's name: several series and none chosen (lists them), an unknown UID, files without slice
/// positions (not a volume), slices of different sizes, mixed orientations, gantry tilt, several
/// images at one position (4D), missing slices and uneven spacing (unless allowUnevenSpacing).
ReadResult readDicomSeries(const std::string& folder, const ReadOptions& options);

/// "UID (CT, \"description\", 20 slices)" for messages.
std::string describeSeries(const DicomSeriesSummary& series);

}  // namespace skipseg::io
