#pragma once
// Per-label comparison of a predicted label image with a reference on the same grid, in physical
// units. Background (label 0) is never evaluated.
//
// Conventions (Documentation/Evaluation.md):
// - Overlap: Dice 2|R∩P|/(|R|+|P|), IoU |R∩P|/|R∪P|, precision |R∩P|/|P|, recall |R∩P|/|R|; a ratio 0/0 is NaN.
// - Distances (mm) between boundary voxels (SurfaceDistance.h). HD95 is the larger of the two directed
//   95th percentiles (as MONAI and DeepMind's surface-distance do), Hausdorff the larger directed maximum,
//   ASSD the mean of all distances of both directions, surface Dice the fraction of boundary voxels of
//   both structures that lie within `surfaceTolerance` mm of the other structure's boundary.
// - Both structures empty: BothEmpty::Undefined gives NaN for every ratio and distance (they are then
//   left out of summaries); BothEmpty::Perfect gives 1 for the ratios, 0 for the distances.
// - One structure empty: Dice and IoU 0, surface Dice 0, distances +inf (OneEmptyDistance::Infinite) or NaN.
#include "skipseg/evaluation/LabelImage.h"

#include <cstddef>
#include <string>
#include <vector>

namespace skipseg::evaluation {

enum class BothEmpty { Undefined, Perfect };
enum class OneEmptyDistance { Infinite, Undefined };

struct MetricOptions {
  BothEmpty bothEmpty = BothEmpty::Undefined;
  OneEmptyDistance oneEmptyDistance = OneEmptyDistance::Infinite;
  double surfaceTolerance = 1.0;  ///< mm, for the normalised surface Dice
};

struct LabelMetrics {
  int label = 0;
  std::size_t referenceVoxels = 0;
  std::size_t predictionVoxels = 0;
  std::size_t overlapVoxels = 0;
  double referenceVolume = 0;   ///< mm3
  double predictionVolume = 0;  ///< mm3
  double volumeDifference = 0;  ///< prediction - reference, mm3
  double dice = 0;
  double iou = 0;
  double precision = 0;
  double recall = 0;
  double hausdorff95 = 0;  ///< mm
  double hausdorff = 0;    ///< mm
  double assd = 0;         ///< mm
  double surfaceDice = 0;  ///< in [0, 1]
};

/// Non-zero labels present in `a` or (when given) `b`, ascending.
std::vector<int> labelsPresent(const LabelImage& a, const LabelImage* b = nullptr);

/// Metrics of each label in `labels` (an empty list means labelsPresent(reference, prediction)).
/// Reference and prediction must share their grid (see GridMatching.h); throws std::invalid_argument otherwise.
std::vector<LabelMetrics> compareLabels(const LabelImage& reference, const LabelImage& prediction,
                                        const std::vector<int>& labels, const MetricOptions& options = {});

}  // namespace skipseg::evaluation
