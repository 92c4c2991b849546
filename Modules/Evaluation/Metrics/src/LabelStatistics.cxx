#include "skipseg/evaluation/LabelStatistics.h"

#include "skipseg/evaluation/GridMatching.h"
#include "skipseg/evaluation/SegmentationMetrics.h"
#include "skipseg/evaluation/SurfaceDistance.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace skipseg::evaluation {

std::vector<LabelStatistics> labelStatistics(const LabelImage& labels, const FloatImage& image,
                                             const std::vector<int>& labelIds) {
  if (!sameGrid(labels, image)) {
    throw std::invalid_argument("labelStatistics: labels (" + describeGrid(labels) + ") and image (" +
                                describeGrid(image) + ") are on different grids");
  }
  const std::vector<int> wanted = labelIds.empty() ? labelsPresent(labels) : labelIds;
  // Intensities grouped by label in one pass; only the wanted labels keep their values.
  std::vector<int> slot(65536, -1);
  for (std::size_t index = 0; index < wanted.size(); ++index) {
    if (wanted[index] <= 0 || wanted[index] > 65535) {
      throw std::invalid_argument("labelStatistics: label " + std::to_string(wanted[index]) +
                                  " is not a structure label");
    }
    slot[static_cast<std::size_t>(wanted[index])] = static_cast<int>(index);
  }
  std::vector<std::vector<double>> values(wanted.size());
  const LabelValue* labelVoxels = labels.GetBufferPointer();
  const float* intensities = image.GetBufferPointer();
  const std::size_t count = labels.GetLargestPossibleRegion().GetNumberOfPixels();
  for (std::size_t index = 0; index < count; ++index) {
    const int target = slot[labelVoxels[index]];
    if (target >= 0) {
      values[static_cast<std::size_t>(target)].push_back(intensities[index]);
    }
  }

  const auto& spacing = labels.GetSpacing();
  const double voxelVolume = spacing[0] * spacing[1] * spacing[2];
  std::vector<LabelStatistics> result;
  for (std::size_t index = 0; index < wanted.size(); ++index) {
    LabelStatistics statistics;
    statistics.label = wanted[index];
    auto& samples = values[index];
    statistics.voxels = samples.size();
    statistics.volume = static_cast<double>(samples.size()) * voxelVolume;
    if (!samples.empty()) {
      double sum = 0;
      for (const double value : samples) {
        sum += value;
      }
      statistics.mean = sum / static_cast<double>(samples.size());
      double squares = 0;
      for (const double value : samples) {
        squares += (value - statistics.mean) * (value - statistics.mean);
      }
      statistics.std = std::sqrt(squares / static_cast<double>(samples.size()));
      std::sort(samples.begin(), samples.end());
      statistics.minimum = samples.front();
      statistics.maximum = samples.back();
      statistics.p5 = percentile(samples, 5);
      statistics.p25 = percentile(samples, 25);
      statistics.median = percentile(samples, 50);
      statistics.p75 = percentile(samples, 75);
      statistics.p95 = percentile(samples, 95);
    }
    result.push_back(statistics);
  }
  return result;
}

}  // namespace skipseg::evaluation
