#pragma once
// Internal: the checks and the arithmetic that turn a set of DICOM slices into one regular volume.
#include "skipseg/io/ImageReader.h"

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
  /// Gantry tilt: the slices are parallel but each is shifted in its plane (along the column direction for
  /// a tilted CT gantry). The offset of each sorted slice's first pixel from the first slice's, mm along
  /// rowDirection and columnDirection (all zero without tilt).
  std::vector<std::array<double, 2>> inPlaneOffsets;
  bool tilted = false;
  double tiltDegrees = 0.0;  ///< angle between the stacking direction and the slice normal
};

/// The in-plane part of the output grid: the input slices' pixel grid, widened so that it covers every
/// slice of a sheared (tilted) stack. Output pixel (i, j) lies at start + i * spacing[0] along the row
/// direction and start + j * spacing[1] along the column direction, from the first slice's first pixel.
struct InPlaneGrid {
  std::array<std::size_t, 2> inputSize{};  ///< columns (i), rows (j) of each input slice
  std::array<std::size_t, 2> size{};       ///< of each output slice
  std::array<double, 2> spacing{};         ///< PixelSpacing as (i, j) steps, mm
  std::array<double, 2> start{};           ///< mm along the row and column directions
};

/// Checks the slices (positions present, one orientation, no two at one position, no gap, even spacing,
/// no tilt unless `tilt` is Resample) and sorts them. Throws the user-facing error naming `seriesPath`
/// when a check fails.
SeriesGeometry arrangeSlices(const std::string& seriesPath, const std::vector<DicomSlice>& slices,
                             bool allowUnevenSpacing, GantryTilt tilt = GantryTilt::Refuse);

/// The output slices' pixel grid for input slices of `inputSize` pixels `spacing` apart: the input grid
/// itself, or for a tilted stack the smallest grid on the same pixel lattice that holds every slice.
InPlaneGrid coverSlices(const SeriesGeometry& geometry, std::array<std::size_t, 2> inputSize,
                        std::array<double, 2> spacing);

/// Writes the output slices: copies of the sorted input slices, or values interpolated (linearly) at each
/// output voxel's true position in the input slices (uneven spacing, tilt). Voxels that no input slice
/// covers (the corners of a sheared stack) get `outside`.
void fillRegularSlices(const SeriesGeometry& geometry, const InPlaneGrid& grid, const std::vector<float>& sortedStack,
                       float outside, float* output);

}  // namespace skipseg::io::detail
