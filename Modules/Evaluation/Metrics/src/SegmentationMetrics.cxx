#include "skipseg/evaluation/SegmentationMetrics.h"

#include "skipseg/evaluation/GridMatching.h"
#include "skipseg/evaluation/SurfaceDistance.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace skipseg::evaluation {
namespace {

constexpr double notANumber = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

double ratio(std::size_t numerator, std::size_t denominator) {
  return denominator == 0 ? notANumber : static_cast<double>(numerator) / static_cast<double>(denominator);
}

// Voxel counts and bounding boxes of every label, from one pass over both images.
struct LabelTally {
  std::vector<std::size_t> reference, prediction, overlap;
  std::vector<IndexBox> box;  // union of both images' voxels of the label
};

LabelTally tally(const LabelImage& reference, const LabelImage& prediction) {
  const auto size = reference.GetLargestPossibleRegion().GetSize();
  const LabelValue* r = reference.GetBufferPointer();
  const LabelValue* p = prediction.GetBufferPointer();
  const std::size_t count = reference.GetLargestPossibleRegion().GetNumberOfPixels();
  const LabelValue largest = std::max(*std::max_element(r, r + count), *std::max_element(p, p + count));
  LabelTally result;
  result.reference.assign(largest + 1u, 0);
  result.prediction.assign(largest + 1u, 0);
  result.overlap.assign(largest + 1u, 0);
  result.box.assign(largest + 1u, IndexBox{});
  std::size_t index = 0;
  for (long k = 0; k < static_cast<long>(size[2]); ++k) {
    for (long j = 0; j < static_cast<long>(size[1]); ++j) {
      for (long i = 0; i < static_cast<long>(size[0]); ++i, ++index) {
        const LabelValue a = r[index], b = p[index];
        ++result.reference[a];
        ++result.prediction[b];
        if (a == b) {
          ++result.overlap[a];
        }
        if (a != 0) {
          result.box[a].include(i, j, k);
        }
        if (b != 0 && b != a) {
          result.box[b].include(i, j, k);
        }
      }
    }
  }
  return result;
}

void setSurfaceMetrics(LabelMetrics& metrics, const SurfaceDistances& distances, double tolerance) {
  const auto& forward = distances.referenceToPrediction;
  const auto& backward = distances.predictionToReference;
  metrics.hausdorff =
      std::max(*std::max_element(forward.begin(), forward.end()), *std::max_element(backward.begin(), backward.end()));
  metrics.hausdorff95 = std::max(percentile(forward, 95.0), percentile(backward, 95.0));
  const double total =
      std::accumulate(forward.begin(), forward.end(), 0.0) + std::accumulate(backward.begin(), backward.end(), 0.0);
  const auto surfaceVoxels = forward.size() + backward.size();
  metrics.assd = total / static_cast<double>(surfaceVoxels);
  auto within = [tolerance](double distance) { return distance <= tolerance; };
  const auto close =
      std::count_if(forward.begin(), forward.end(), within) + std::count_if(backward.begin(), backward.end(), within);
  metrics.surfaceDice = static_cast<double>(close) / static_cast<double>(surfaceVoxels);
}

}  // namespace

std::vector<int> labelsPresent(const LabelImage& a, const LabelImage* b) {
  std::vector<bool> seen(65536, false);
  auto mark = [&seen](const LabelImage& image) {
    const LabelValue* voxels = image.GetBufferPointer();
    const std::size_t count = image.GetLargestPossibleRegion().GetNumberOfPixels();
    for (std::size_t index = 0; index < count; ++index) {
      seen[voxels[index]] = true;
    }
  };
  mark(a);
  if (b != nullptr) {
    mark(*b);
  }
  std::vector<int> labels;
  for (int label = 1; label < 65536; ++label) {
    if (seen[static_cast<std::size_t>(label)]) {
      labels.push_back(label);
    }
  }
  return labels;
}

std::vector<LabelMetrics> compareLabels(const LabelImage& reference, const LabelImage& prediction,
                                        const std::vector<int>& requestedLabels, const MetricOptions& options) {
  if (!sameGrid(reference, prediction)) {
    throw std::invalid_argument("compareLabels: reference (" + describeGrid(reference) + ") and prediction (" +
                                describeGrid(prediction) + ") are on different grids");
  }
  const std::vector<int> labels = requestedLabels.empty() ? labelsPresent(reference, &prediction) : requestedLabels;
  const LabelTally counts = tally(reference, prediction);
  const auto& spacing = reference.GetSpacing();
  const double voxelVolume = spacing[0] * spacing[1] * spacing[2];
  const double emptyDistance = options.oneEmptyDistance == OneEmptyDistance::Infinite ? infinity : notANumber;

  std::vector<LabelMetrics> results;
  for (const int label : labels) {
    if (label <= 0 || label > 65535) {
      throw std::invalid_argument("compareLabels: label " + std::to_string(label) + " is not a structure label");
    }
    const auto id = static_cast<std::size_t>(label);
    LabelMetrics metrics;
    metrics.label = label;
    metrics.referenceVoxels = id < counts.reference.size() ? counts.reference[id] : 0;
    metrics.predictionVoxels = id < counts.prediction.size() ? counts.prediction[id] : 0;
    metrics.overlapVoxels = id < counts.overlap.size() ? counts.overlap[id] : 0;
    metrics.referenceVolume = static_cast<double>(metrics.referenceVoxels) * voxelVolume;
    metrics.predictionVolume = static_cast<double>(metrics.predictionVoxels) * voxelVolume;
    metrics.volumeDifference = metrics.predictionVolume - metrics.referenceVolume;
    const std::size_t unionVoxels = metrics.referenceVoxels + metrics.predictionVoxels - metrics.overlapVoxels;

    if (metrics.referenceVoxels == 0 && metrics.predictionVoxels == 0) {
      const bool perfect = options.bothEmpty == BothEmpty::Perfect;
      metrics.dice = metrics.iou = metrics.precision = metrics.recall = perfect ? 1.0 : notANumber;
      metrics.surfaceDice = perfect ? 1.0 : notANumber;
      metrics.hausdorff95 = metrics.hausdorff = metrics.assd = perfect ? 0.0 : notANumber;
    } else {
      metrics.dice = ratio(2 * metrics.overlapVoxels, metrics.referenceVoxels + metrics.predictionVoxels);
      metrics.iou = ratio(metrics.overlapVoxels, unionVoxels);
      metrics.precision = ratio(metrics.overlapVoxels, metrics.predictionVoxels);
      metrics.recall = ratio(metrics.overlapVoxels, metrics.referenceVoxels);
      if (metrics.referenceVoxels == 0 || metrics.predictionVoxels == 0) {
        metrics.hausdorff95 = metrics.hausdorff = metrics.assd = emptyDistance;
        metrics.surfaceDice = 0.0;
      } else {
        setSurfaceMetrics(metrics,
                          surfaceDistances(reference, prediction, static_cast<LabelValue>(label), counts.box[id]),
                          options.surfaceTolerance);
      }
    }
    results.push_back(metrics);
  }
  return results;
}

}  // namespace skipseg::evaluation
