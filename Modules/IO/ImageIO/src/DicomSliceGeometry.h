#pragma once
// Internal: the checks and the arithmetic that turn a set of DICOM slices into one regular volume.
#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace skipseg::io::detail {

/// What the scan found in one file of the series (tag values as text).
struct DicomSlice {
  std::string file;
  std::string position;     ///< ImagePositionPatient "x\y\z"
  std::string orientation;  ///< ImageOrientationPatient, six cosines
  std::string rows;
  std::string columns;
  std::string frames;  ///< NumberOfFrames, empty for single-frame files
};

/// Where the slices lie, and how the output slices are made from them.
struct SeriesGeometry {
  std::vector<std::string> sortedFiles;     ///< along the slice normal, increasing
  std::vector<double> sortedDistances;      ///< each file's position along the normal, mm
  std::array<double, 3> rowDirection{};     ///< direction of increasing column index (i), LPS
  std::array<double, 3> columnDirection{};  ///< direction of increasing row index (j), LPS
  std::array<double, 3> normal{};           ///< row x column (k)
  std::array<double, 3> origin{};           ///< position of the first sorted slice
  std::size_t sliceCount = 0;               ///< output slices
  double sliceSpacing = 1.0;                ///< output spacing along the normal, mm
  bool resampled = false;                   ///< true when uneven slices are interpolated
  /// For each output slice when resampled: the two input slices around it and the weight of the upper one.
  std::vector<std::size_t> lower, upper;
  std::vector<double> upperWeight;
};

/// Checks the slices (positions present, one orientation, no tilt, no two at one position, no gap,
/// even spacing) and sorts them. Throws the user-facing error naming `seriesPath` when a check fails.
SeriesGeometry arrangeSlices(const std::string& seriesPath, const std::vector<DicomSlice>& slices,
                             bool allowUnevenSpacing);

/// Writes the output slices: copies of the sorted input slices, or their linear interpolation.
void fillRegularSlices(const SeriesGeometry& geometry, const std::vector<float>& sortedStack, std::size_t sliceVoxels,
                       float* output);

}  // namespace skipseg::io::detail
