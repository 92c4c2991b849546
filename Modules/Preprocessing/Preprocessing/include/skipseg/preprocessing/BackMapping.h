#pragma once
// From per-class scores in the model's grid back to a label map on the scan's own (native) grid,
// in bounded memory.
//
// The model's grid may be reoriented, resampled and cropped relative to the scan; both grids are
// placed in the patient by their ImageGeometry, so every native voxel centre is mapped through
// physical space to a continuous index of the model grid. There each class is interpolated
// trilinearly and the label of the largest class is taken (ties: the lower channel). Native voxels
// outside the model grid's field of view (continuous index outside [-0.5, size - 0.5) on an axis, as in
// ITK) get the background label; inside, neighbours beyond the edge repeat the edge voxel.
//
// Memory: the native grid's per-class scores never exist. Work goes slab by slab along the native
// slowest axis (k), on several threads of ITK's thread pool (none is started per call), and needs
// besides the inputs only the output labels and a one-byte table over the model grid that records, per
// model voxel, its winning class when it wins clearly. A native voxel whose eight surrounding model voxels share a clear winner takes that winner
// without interpolating: a weighted average of score vectors that all rank the same class first ranks
// it first too. Only voxels near a class boundary interpolate every class.
#include <cstddef>
#include <vector>

#include "skipseg/core/Progress.h"
#include "skipseg/core/VoxelBuffer.h"
#include "skipseg/preprocessing/ImageTypes.h"

namespace skipseg::preprocessing {

struct BackMappingOptions {
  std::size_t slabSlices = 8;  ///< native k slices per unit of work
  unsigned threads = 0;        ///< 0: every hardware thread
  LabelValue background = 0;   ///< label outside the model grid's field of view
};

/// The native-grid label map: argmax over channels of `scores` (C channels on the model grid), with
/// channel c written as label `labelIds[c]`. `scores` may be probabilities or logits.
LabelImage::Pointer mapScoresToNativeLabels(const VoxelBuffer& scores, const ImageGeometry& native,
                                            const std::vector<LabelValue>& labelIds,
                                            const BackMappingOptions& options = {},
                                            ProgressReporter& progress = silentProgress());

/// The reference for the above: every class resampled to the native grid in full (ITK's linear
/// interpolation), then the argmax. Memory grows with the native grid; for tests and comparisons.
LabelImage::Pointer mapScoresToNativeLabelsDirect(const VoxelBuffer& scores, const ImageGeometry& native,
                                                  const std::vector<LabelValue>& labelIds, LabelValue background = 0);

/// Every class interpolated onto the native grid (C x native voxels: opt-in, for --probabilities).
/// Outside the model grid the channel whose label is the background reads 1 and the others 0.
VoxelBuffer mapScoresToNativeGrid(const VoxelBuffer& scores, const ImageGeometry& native,
                                  const std::vector<LabelValue>& labelIds, const BackMappingOptions& options = {});

}  // namespace skipseg::preprocessing
