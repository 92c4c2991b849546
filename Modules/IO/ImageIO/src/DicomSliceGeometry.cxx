#include "DicomSliceGeometry.h"

#include "DicomTags.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/Logging.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <sstream>

namespace skipseg::io::detail {
namespace {

// Two slices closer than this along the normal share a position (4D data or a repeated slice).
constexpr double kSamePositionMm = 1e-3;
// Cosines further apart than this are different orientations.
constexpr double kOrientationTolerance = 1e-4;
// A slice further than this from the normal through the first slice means a tilted (sheared) stack.
constexpr double kInPlaneShiftToleranceMm = 0.01;
// A gap this many times the usual spacing means missing slices.
constexpr double kMissingSliceFactor = 1.5;

using Vector = std::array<double, 3>;

double dot(const Vector& a, const Vector& b) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

Vector cross(const Vector& a, const Vector& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

Vector normalized(const Vector& v) {
  const double length = std::sqrt(dot(v, v));
  return {v[0] / length, v[1] / length, v[2] / length};
}

std::string fileName(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

std::string format(double value, int precision = 4) {
  std::ostringstream text;
  text.precision(precision);
  text << value;
  return text.str();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Tolerance for a slice's distance from a regular grid: at most 1% of the spacing, never below 0.01 mm.
double gridTolerance(double spacing) {
  return std::max(0.01, 0.01 * spacing);
}

}  // namespace

SeriesGeometry arrangeSlices(const std::string& seriesPath, const std::vector<DicomSlice>& slices,
                             bool allowUnevenSpacing, GantryTilt tilt) {
  const std::size_t count = slices.size();
  std::vector<Vector> positions(count);
  std::vector<std::vector<double>> orientations(count);
  std::size_t withoutGeometry = 0;
  for (std::size_t index = 0; index < count; ++index) {
    const auto position = parseNumbers(slices[index].position);
    orientations[index] = parseNumbers(slices[index].orientation);
    if (position.size() != 3 || orientations[index].size() != 6) {
      ++withoutGeometry;
      continue;
    }
    positions[index] = {position[0], position[1], position[2]};
    if (!slices[index].frames.empty() && slices[index].frames != "1") {
      throw unsupported(seriesPath, "the series mixes " + std::to_string(count) + " files with multi-frame files (" +
                                        fileName(slices[index].file) + " has " + slices[index].frames +
                                        " frames); SkipSeg reads a multi-frame file on its own");
    }
  }
  if (withoutGeometry > 0) {
    throw badInput(seriesPath, "is not an image volume: " + std::to_string(withoutGeometry) + " of " +
                                   std::to_string(count) +
                                   " files have no ImagePositionPatient/ImageOrientationPatient (e.g. secondary "
                                   "captures, reports or scout images)");
  }

  for (std::size_t index = 1; index < count; ++index) {
    for (int element = 0; element < 6; ++element) {
      if (std::abs(orientations[index][element] - orientations[0][element]) > kOrientationTolerance) {
        std::ostringstream problem;
        problem << "mixed slice orientations: ImageOrientationPatient of " << fileName(slices[index].file) << " is "
                << slices[index].orientation << " but of " << fileName(slices[0].file) << " is "
                << slices[0].orientation << " (several stacks or a localizer in one series)";
        throw badInput(seriesPath, problem.str());
      }
    }
  }

  SeriesGeometry geometry;
  const auto& cosines = orientations[0];
  geometry.rowDirection = normalized({cosines[0], cosines[1], cosines[2]});
  geometry.columnDirection = normalized({cosines[3], cosines[4], cosines[5]});
  geometry.normal = normalized(cross(geometry.rowDirection, geometry.columnDirection));

  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  std::vector<double> distance(count);
  for (std::size_t index = 0; index < count; ++index) {
    distance[index] = dot(positions[index], geometry.normal);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return distance[a] < distance[b]; });
  for (const auto index : order) {
    geometry.sortedFiles.push_back(slices[index].file);
    geometry.sortedDistances.push_back(distance[index]);
  }
  const auto& d = geometry.sortedDistances;

  std::size_t distinctPositions = 1;
  for (std::size_t k = 1; k < count; ++k) {
    if (d[k] - d[k - 1] > kSamePositionMm) {
      ++distinctPositions;
    }
  }
  if (distinctPositions < count) {
    throw unsupported(seriesPath, "holds " + std::to_string(count) + " images at only " +
                                      std::to_string(distinctPositions) +
                                      " slice positions (4D data or repeated acquisitions); SkipSeg reads one 3D "
                                      "volume: split the series by time point or acquisition first");
  }

  const Vector& first = positions[order.front()];
  double largestShift = 0.0;
  for (std::size_t k = 0; k < count; ++k) {
    const Vector& p = positions[order[k]];
    Vector offset{};
    for (int axis = 0; axis < 3; ++axis) {
      offset[axis] = p[axis] - first[axis] - (d[k] - d[0]) * geometry.normal[axis];
    }
    geometry.inPlaneOffsets.push_back({dot(offset, geometry.rowDirection), dot(offset, geometry.columnDirection)});
    largestShift = std::max(largestShift, std::sqrt(dot(offset, offset)));
  }
  if (largestShift > kInPlaneShiftToleranceMm) {
    const Vector& last = positions[order.back()];
    Vector span{last[0] - first[0], last[1] - first[1], last[2] - first[2]};
    const double along = dot(span, geometry.normal);
    geometry.tilted = true;
    geometry.tiltDegrees = std::acos(std::min(1.0, std::abs(along) / std::sqrt(dot(span, span)))) * 180.0 / M_PI;
    const std::string shear = "gantry tilt: slice positions leave the slice normal by up to " + format(largestShift) +
                              " mm (a tilt of about " + format(geometry.tiltDegrees, 3) + " degrees)";
    if (tilt == GantryTilt::Refuse) {
      throw unsupported(seriesPath, shear + "; refused (--gantry-tilt refuse; the default resamples it)");
    }
    spdlog::warn(
        "{}: {}; resampled onto a regular grid along the slice normal that covers the sheared stack, each "
        "voxel interpolated at its true position (--gantry-tilt resample, the default)",
        seriesPath, shear);
  } else {
    geometry.inPlaneOffsets.assign(count, {0.0, 0.0});
  }

  std::vector<double> gaps;
  for (std::size_t k = 1; k < count; ++k) {
    gaps.push_back(d[k] - d[k - 1]);
  }
  const double usualGap = median(gaps);
  for (std::size_t k = 1; k < count; ++k) {
    const double gap = d[k] - d[k - 1];
    if (gap > kMissingSliceFactor * usualGap) {
      const long missing = std::lround(gap / usualGap) - 1;
      throw badInput(seriesPath, "missing slices: a gap of " + format(gap) + " mm between " +
                                     fileName(geometry.sortedFiles[k - 1]) + " and " +
                                     fileName(geometry.sortedFiles[k]) + " where the usual spacing is " +
                                     format(usualGap) + " mm (about " + std::to_string(std::max(1L, missing)) +
                                     " slice(s) missing)");
    }
  }

  const double extent = d.back() - d.front();
  const double regularSpacing = extent / static_cast<double>(count - 1);
  double largestDeviation = 0.0;
  for (std::size_t k = 0; k < count; ++k) {
    largestDeviation = std::max(largestDeviation, std::abs(d[k] - (d[0] + static_cast<double>(k) * regularSpacing)));
  }
  geometry.origin = first;
  geometry.sliceCount = count;
  geometry.sliceSpacing = regularSpacing;
  if (largestDeviation <= gridTolerance(regularSpacing)) {
    return geometry;
  }
  const auto [smallest, largest] = std::minmax_element(gaps.begin(), gaps.end());
  const std::string unevenness = "slice spacing varies from " + format(*smallest) + " to " + format(*largest) +
                                 " mm; a slice lies up to " + format(largestDeviation) + " mm off a regular grid";
  if (!allowUnevenSpacing) {
    throw badInput(seriesPath, "uneven slice spacing: " + unevenness +
                                   " (--allow-uneven-spacing resamples it onto a regular grid)");
  }

  // Resample along the normal onto a regular grid with the usual spacing, by linear interpolation.
  geometry.resampled = true;
  geometry.sliceCount = static_cast<std::size_t>(std::lround(extent / usualGap)) + 1;
  geometry.sliceSpacing = extent / static_cast<double>(geometry.sliceCount - 1);
  std::size_t below = 0;
  for (std::size_t k = 0; k < geometry.sliceCount; ++k) {
    const double target = d[0] + static_cast<double>(k) * geometry.sliceSpacing;
    while (below + 2 < count && d[below + 1] <= target) {
      ++below;
    }
    const double weight = std::clamp((target - d[below]) / (d[below + 1] - d[below]), 0.0, 1.0);
    geometry.lower.push_back(below);
    geometry.upper.push_back(below + 1);
    geometry.upperWeight.push_back(weight);
  }
  spdlog::warn(
      "{}: {}; resampled {} slices onto {} slices {} mm apart by linear interpolation along the slice normal "
      "(--allow-uneven-spacing)",
      seriesPath, unevenness, count, geometry.sliceCount, format(geometry.sliceSpacing, 6));
  return geometry;
}

InPlaneGrid coverSlices(const SeriesGeometry& geometry, std::array<std::size_t, 2> inputSize,
                        std::array<double, 2> spacing) {
  InPlaneGrid grid;
  grid.inputSize = inputSize;
  grid.size = inputSize;
  grid.spacing = spacing;
  for (int axis = 0; axis < 2; ++axis) {
    double low = 0.0;
    double high = 0.0;
    for (const auto& offset : geometry.inPlaneOffsets) {
      low = std::min(low, offset[axis]);
      high = std::max(high, offset[axis]);
    }
    // Whole pixel steps from the first slice's lattice, so that an untilted axis keeps its pixels exactly;
    // the tolerance keeps a shift of exactly n pixels from adding an empty row.
    const double tolerance = kInPlaneShiftToleranceMm / spacing[axis];
    const auto before = static_cast<long>(std::ceil(-low / spacing[axis] - tolerance));
    const auto after = static_cast<long>(std::ceil(high / spacing[axis] - tolerance));
    grid.start[axis] = -static_cast<double>(before) * spacing[axis];
    grid.size[axis] = inputSize[axis] + static_cast<std::size_t>(before + after);
  }
  return grid;
}

namespace {

// Bilinear value of one input slice at pixel coordinates (u, v); `outside` beyond its pixels.
float sampleSlice(const float* slice, const InPlaneGrid& grid, double u, double v, float outside) {
  constexpr double kEdge = 1e-6;
  const auto columns = static_cast<double>(grid.inputSize[0]);
  const auto rows = static_cast<double>(grid.inputSize[1]);
  if (u < -kEdge || v < -kEdge || u > columns - 1 + kEdge || v > rows - 1 + kEdge) {
    return outside;
  }
  u = std::clamp(u, 0.0, columns - 1);
  v = std::clamp(v, 0.0, rows - 1);
  const auto i0 = std::min(static_cast<std::size_t>(u), grid.inputSize[0] - 1);
  const auto j0 = std::min(static_cast<std::size_t>(v), grid.inputSize[1] - 1);
  const std::size_t i1 = std::min(i0 + 1, grid.inputSize[0] - 1);
  const std::size_t j1 = std::min(j0 + 1, grid.inputSize[1] - 1);
  const double fu = u - static_cast<double>(i0);
  const double fv = v - static_cast<double>(j0);
  const std::size_t width = grid.inputSize[0];
  const double top = (1.0 - fu) * slice[j0 * width + i0] + fu * slice[j0 * width + i1];
  const double bottom = (1.0 - fu) * slice[j1 * width + i0] + fu * slice[j1 * width + i1];
  return static_cast<float>((1.0 - fv) * top + fv * bottom);
}

// Fills output slice `target` from input slice `source` at each output voxel's position in that slice,
// adding `weight` times its value.
void addShiftedSlice(const SeriesGeometry& geometry, const InPlaneGrid& grid, const float* source,
                     std::size_t sourceIndex, double weight, float outside, float* target) {
  const auto& offset = geometry.inPlaneOffsets[sourceIndex];
  for (std::size_t j = 0; j < grid.size[1]; ++j) {
    const double v = (grid.start[1] + static_cast<double>(j) * grid.spacing[1] - offset[1]) / grid.spacing[1];
    for (std::size_t i = 0; i < grid.size[0]; ++i) {
      const double u = (grid.start[0] + static_cast<double>(i) * grid.spacing[0] - offset[0]) / grid.spacing[0];
      target[j * grid.size[0] + i] += static_cast<float>(weight) * sampleSlice(source, grid, u, v, outside);
    }
  }
}

}  // namespace

void fillRegularSlices(const SeriesGeometry& geometry, const InPlaneGrid& grid, const std::vector<float>& sortedStack,
                       float outside, float* output) {
  if (!geometry.resampled && !geometry.tilted) {
    std::copy(sortedStack.begin(), sortedStack.end(), output);
    return;
  }
  const std::size_t inputVoxels = grid.inputSize[0] * grid.inputSize[1];
  const std::size_t outputVoxels = grid.size[0] * grid.size[1];
  for (std::size_t k = 0; k < geometry.sliceCount; ++k) {
    // Evenly spaced tilted slices: output slice k is input slice k, shifted.
    const std::size_t lower = geometry.resampled ? geometry.lower[k] : k;
    const std::size_t upper = geometry.resampled ? geometry.upper[k] : k;
    const double weight = geometry.resampled ? geometry.upperWeight[k] : 0.0;
    float* slice = output + k * outputVoxels;
    std::fill(slice, slice + outputVoxels, 0.0f);
    addShiftedSlice(geometry, grid, sortedStack.data() + lower * inputVoxels, lower, 1.0 - weight, outside, slice);
    if (weight > 0.0) {
      addShiftedSlice(geometry, grid, sortedStack.data() + upper * inputVoxels, upper, weight, outside, slice);
    }
  }
}

}  // namespace skipseg::io::detail
