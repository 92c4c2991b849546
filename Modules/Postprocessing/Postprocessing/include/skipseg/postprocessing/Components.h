#pragma once
// Clean-up of label maps after the network: keep the largest connected component, remove small
// components, fill holes. Labels are unsigned short (SkipSegItkBridge's LabelImage, as everywhere);
// the image is changed in place and its geometry is untouched.
//
// Connectivity: Face (6 neighbours, the default) counts voxels as connected only through a shared face,
// so two blobs touching at an edge or a corner stay separate components, and a hole that reaches the
// outside only through an edge or a corner is still a hole. Edge (18) and Vertex (26) join more.
//
// Memory: each label is processed within its bounding box, with one byte per voxel of that box.
#include "skipseg/itkbridge/ItkImage.h"

#include <cstddef>
#include <vector>

namespace skipseg::postprocessing {

using skipseg::LabelImage;
using skipseg::LabelValue;

enum class Connectivity {
  Face,    ///< 6 neighbours
  Edge,    ///< 18 neighbours
  Vertex,  ///< 26 neighbours
};

enum class ComponentScope {
  PerLabel,       ///< the components of each label separately
  AllForeground,  ///< every non-background voxel together, whatever its label
};

struct ComponentOptions {
  Connectivity connectivity = Connectivity::Face;
  ComponentScope scope = ComponentScope::PerLabel;
  LabelValue background = 0;
  std::vector<LabelValue> onlyLabels;  ///< PerLabel: the labels to process (empty: all)
};

struct ComponentReport {
  std::size_t componentsRemoved = 0;
  std::size_t voxelsRemoved = 0;
};

/// Keeps the largest component (per label, or of all foreground) and sets the others to background.
/// Of equal largest components the first in memory order (i fastest, then j, then k) is kept.
ComponentReport keepLargestComponent(LabelImage& labels, const ComponentOptions& options = {});

/// Sets to background every component whose volume (voxels x the voxel's volume in mm3, from the image
/// spacing) is below `minimumVolumeMm3`; a component of exactly that volume stays.
ComponentReport removeSmallComponents(LabelImage& labels, double minimumVolumeMm3,
                                      const ComponentOptions& options = {});

/// Per label (in increasing order): background voxels enclosed by the label, i.e. in a region of
/// non-label voxels that does not reach the image border, become the label. Enclosed voxels of other
/// labels stay as they are. `options.scope` is ignored. Returns the number of voxels filled.
std::size_t fillHoles(LabelImage& labels, const ComponentOptions& options = {});

}  // namespace skipseg::postprocessing
