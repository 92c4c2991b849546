#pragma once
// Surface distances between two binary structures on one voxel grid.
//
// A structure's surface is its set of boundary voxels: voxels of the structure with at least one of
// their 6 face neighbours outside it (a neighbour beyond the image edge counts as outside, so a
// structure cut by the field of view is closed there). Distances are Euclidean, in millimetres,
// between voxel centres, taken from ITK's SignedMaurerDistanceMapImageFilter run with the image
// spacing on the other structure's surface (exact Euclidean distance transform, anisotropy included).
#include "skipseg/evaluation/LabelImage.h"

#include <array>
#include <vector>

namespace skipseg::evaluation {

/// Index bounds (inclusive) of a voxel set; empty when lower > upper on any axis.
struct IndexBox {
  std::array<long, 3> lower{{0, 0, 0}};
  std::array<long, 3> upper{{-1, -1, -1}};

  bool empty() const { return lower[0] > upper[0] || lower[1] > upper[1] || lower[2] > upper[2]; }
  void include(long i, long j, long k);
  void include(const IndexBox& other);
};

struct SurfaceDistances {
  std::vector<double> referenceToPrediction;  ///< one per reference surface voxel: mm to the prediction's surface
  std::vector<double> predictionToReference;  ///< one per prediction surface voxel: mm to the reference's surface
};

/// Distances between the surfaces of `label` in `reference` and in `prediction` (same grid; both
/// structures non-empty). `box` must contain every voxel of the label in both images; the work is
/// confined to it (plus one voxel), so many small labels in a large scan stay cheap.
SurfaceDistances surfaceDistances(const LabelImage& reference, const LabelImage& prediction, LabelValue label,
                                  const IndexBox& box);

/// The `percent` percentile of `values` with linear interpolation between order statistics (NumPy's
/// default); NaN for no values.
double percentile(std::vector<double> values, double percent);

}  // namespace skipseg::evaluation
