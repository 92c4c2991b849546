#pragma once
// Everything skipseg-render writes, as one library call (skipseg-segment --render uses it too):
//   <dir>/<id>_<name>.<vtp|stl|obj>  one surface mesh per label present, world coordinates (LPS by default)
//   <dir>/slices.png                 axial, coronal and sagittal slices with the labels over the scan
//   <dir>/surfaces.png               an off-screen 3D picture of the meshes, seen from the front
// Both pictures carry a title, orientation letters, a legend and a scale bar (AnnotatedPictures.h).
#include "skipseg/core/ModelDescription.h"
#include "skipseg/core/Progress.h"
#include "skipseg/render/LabelMeshes.h"
#include "skipseg/render/SliceMosaic.h"
#include "skipseg/render/SurfaceRender.h"

#include <string>
#include <vector>

namespace skipseg::render {

struct RenderOptions {
  MeshOptions mesh;
  std::string meshFormat = "vtp";  ///< vtp, stl, obj, or none (no mesh files)
  bool slices = true;              ///< write slices.png
  bool surfaces = true;            ///< write surfaces.png (needs X or Xvfb)
  MosaicOptions mosaic;
  SurfaceRenderOptions surfaceRender;  ///< width, height: the 3D view's; the picture adds title and legend
  std::string title;                   ///< the pictures' first line (pictureTitle(): scan, labels, model)
};

struct RenderResult {
  std::vector<std::string> files;  ///< every file written, in the order written
};

/// Writes meshes and pictures of `labels` into `outputDirectory` (created when missing). `image` may
/// be null; when given it must share the labels' grid. Names and colours come from `labelTable`
/// (unnamed labels: "label_<id>" and defaultLabelColor). Throws skipseg::Error: Usage for a bad
/// mesh format, BadInput for an image on another grid, OutputFailed when a file cannot be written.
RenderResult renderSegmentation(const LabelImage& labels, const FloatImage* image,
                                const std::vector<LabelInfo>& labelTable, const std::string& outputDirectory,
                                const RenderOptions& options = {}, ProgressReporter& progress = silentProgress());

/// A file-name-safe form of a label name ("kidney left/2" -> "kidney_left_2").
std::string fileNameSafe(const std::string& name);

}  // namespace skipseg::render
