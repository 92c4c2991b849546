#pragma once
// A picture of a segmentation over its scan: axial, coronal and sagittal slices through the centre
// of the labelled voxels, side by side, labels blended over the grey scan.
//
// Slices are cut in world (LPS) space, whatever the image's direction: each view samples a plane
// through the centre with square pixels of the finest voxel spacing (finer when the largest panel
// would be under MosaicOptions::minimumPanelSize pixels; nearest neighbour), so oblique
// and permuted scans look like any other. Display follows radiology: axial seen from the feet
// (patient right on the left, anterior up), coronal from the front (right on the left, superior up),
// sagittal from the patient's right (anterior on the left, superior up).
#include "skipseg/core/ModelDescription.h"
#include "skipseg/evaluation/LabelImage.h"
#include "skipseg/render/RgbPicture.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace skipseg::render {

using evaluation::FloatImage;
using evaluation::LabelImage;

/// Grey window of the scan: a CT preset in Hounsfield units, a percentile window (MR, PET), or Auto
/// (CT soft tissue when the scan's 1st percentile is below -500, as air in CT is; else Percentile).
enum class WindowPreset { Auto, CtSoftTissue, CtLung, CtBone, CtBrain, Percentile };

struct MosaicOptions {
  WindowPreset window = WindowPreset::Auto;
  double lowerPercentile = 1.0;  ///< Percentile window bounds
  double upperPercentile = 99.0;
  double labelOpacity = 0.5;    ///< blend of label colour over the scan (1 without a scan)
  int maximumPanelSize = 1024;  ///< pixels; coarser pixels are used for very large fields of view
  int minimumPanelSize = 384;   ///< pixels; finer pixels than the voxels for small or coarse scans (0: never)
};

/// Parses "auto|ct-soft-tissue|ct-lung|ct-bone|ct-brain|percentile"; throws a usage error otherwise.
WindowPreset parseWindowPreset(const std::string& text);

struct MosaicLayout {
  std::array<std::array<int, 2>, 3> panelSize{};      ///< width, height of axial, coronal, sagittal
  std::array<int, 3> panelLeft{};                     ///< x of each panel in the mosaic
  std::array<std::array<double, 2>, 3> panelStart{};  ///< mm from the centre to the panel's top-left corner (u, v)
  int width = 0, height = 0;
  double pixelSize = 0;            ///< mm
  std::array<double, 3> centre{};  ///< LPS point the three planes pass through
};

/// The mosaic's geometry for `labels` (the planes pass through the centroid of all non-zero voxels,
/// or the image centre when there are none).
MosaicLayout mosaicLayout(const LabelImage& labels, const MosaicOptions& options = {});

/// What a panel of the mosaic shows: its name and the patient direction (R, L, A, P, S, I) at each edge.
struct ViewMarkers {
  std::string name;
  std::string left, right, top, bottom;
};
/// The markers of panel `view` (0 axial, 1 coronal, 2 sagittal), derived from the axes the panel is cut along.
ViewMarkers mosaicViewMarkers(int view);

/// The grey window the mosaic uses for `image`, in words ("CT soft tissue, W 400 L 40 HU").
std::string windowDescription(const FloatImage& image, const MosaicOptions& options = {});

/// Draws the mosaic; `image` may be null (labels over black) and must otherwise share the labels' grid.
RgbPicture renderSliceMosaic(const LabelImage& labels, const FloatImage* image,
                             const std::vector<LabelInfo>& labelTable, const MosaicOptions& options = {});

}  // namespace skipseg::render
