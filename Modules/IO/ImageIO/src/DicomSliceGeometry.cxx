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
                             bool allowUnevenSpacing) {
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
    largestShift = std::max(largestShift, std::sqrt(dot(offset, offset)));
  }
  if (largestShift > kInPlaneShiftToleranceMm) {
    const Vector& last = positions[order.back()];
    Vector span{last[0] - first[0], last[1] - first[1], last[2] - first[2]};
    const double along = dot(span, geometry.normal);
    const double angle = std::acos(std::min(1.0, std::abs(along) / std::sqrt(dot(span, span)))) * 180.0 / M_PI;
    throw unsupported(seriesPath, "gantry tilt: slice positions leave the slice normal by up to " +
                                      format(largestShift) + " mm (a tilt of about " + format(angle, 3) +
                                      " degrees); SkipSeg does not read tilted series yet");
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

void fillRegularSlices(const SeriesGeometry& geometry, const std::vector<float>& sortedStack, std::size_t sliceVoxels,
                       float* output) {
  if (!geometry.resampled) {
    std::copy(sortedStack.begin(), sortedStack.end(), output);
    return;
  }
  for (std::size_t k = 0; k < geometry.sliceCount; ++k) {
    const float* lower = sortedStack.data() + geometry.lower[k] * sliceVoxels;
    const float* upper = sortedStack.data() + geometry.upper[k] * sliceVoxels;
    const auto weight = static_cast<float>(geometry.upperWeight[k]);
    float* slice = output + k * sliceVoxels;
    for (std::size_t voxel = 0; voxel < sliceVoxels; ++voxel) {
      slice[voxel] = (1.0f - weight) * lower[voxel] + weight * upper[voxel];
    }
  }
}

}  // namespace skipseg::io::detail
