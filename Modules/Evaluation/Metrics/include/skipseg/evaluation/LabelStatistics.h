#pragma once
// Per-label volume and intensity statistics of a scan under a label image, without a reference.
// Volume is voxel count x voxel volume (mm3); intensity statistics are over the label's voxels
// (population standard deviation, percentiles interpolated linearly as NumPy does).
// A label with no voxel reports volume 0 and every intensity figure 0, as TotalSegmentator's
// statistics.json does; `voxels` == 0 tells such a label apart from one whose mean is 0.
#include "skipseg/evaluation/LabelImage.h"

#include <cstddef>
#include <vector>

namespace skipseg::evaluation {

struct LabelStatistics {
  int label = 0;
  std::size_t voxels = 0;
  double volume = 0;  ///< mm3
  double mean = 0, std = 0, minimum = 0, maximum = 0;
  double p5 = 0, p25 = 0, median = 0, p75 = 0, p95 = 0;
};

/// Statistics of `image` under each label of `labelIds` (empty: the labels present). Both images must
/// be on the same grid; throws std::invalid_argument otherwise.
std::vector<LabelStatistics> labelStatistics(const LabelImage& labels, const FloatImage& image,
                                             const std::vector<int>& labelIds = {});

}  // namespace skipseg::evaluation
