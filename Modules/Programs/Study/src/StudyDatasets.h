#pragma once
// The two datasets of Documentation/Study.md, written in nnU-Net's raw layout (dataset.json, imagesTr,
// labelsTr) so that skipseg-plan and skipseg-train read them as any other dataset. ITK side.
#include <cstdint>
#include <string>
#include <vector>

namespace skipseg::programs::study {

struct ShapesOptions {
  int cases = 5;       ///< one stack of slices per case
  int slices = 32;     ///< independent 2D images per case (a 2D configuration trains on slices)
  int size = 64;       ///< edge of each slice, voxels (1 mm)
  double noise = 0.5;  ///< standard deviation of the Gaussian noise on every voxel
  std::uint64_t seed = 0;
};

/// Synthetic 2D images with known labels: disks (label 1, "disk") and squares (label 2, "square") of
/// equal mean brightness on a textured background; squares carry stripes, disks a smooth blob, so
/// shape and texture, not intensity alone, tell them apart. Same seed, same files.
void writeShapesDataset(const std::string& folder, const ShapesOptions& options);

struct SlabOptions {
  std::string image;               ///< a CT volume
  std::string labels;              ///< its label map
  std::vector<int> keptLabels;     ///< label ids kept (in order: they become 1..n); others become 0
  std::vector<std::string> names;  ///< their names
  double heldOutFraction = 0.35;   ///< the slices at the top of the k axis go to the held-out slab
};

/// Two cases cut from one scan along its third voxel axis, within the slices where a kept label
/// appears: "slab_train" (the lower slices) and "slab_heldout" (the upper heldOutFraction of them),
/// each with its label map, world positions kept.
void writeSlabDataset(const std::string& folder, const SlabOptions& options);

}  // namespace skipseg::programs::study
