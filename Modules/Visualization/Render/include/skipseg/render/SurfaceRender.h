#pragma once
// An off-screen 3D picture of label meshes, seen from the patient's front (anterior), superior up,
// so the patient's right is on the picture's left as when facing the patient. The projection is parallel
// (orthographic): one scale over the whole picture, which a scale bar can then state.
#include "skipseg/render/LabelMeshes.h"
#include "skipseg/render/SliceMosaic.h"

#include <array>
#include <vector>

namespace skipseg::render {

struct ColouredMesh {
  vtkSmartPointer<vtkPolyData> mesh;
  std::array<double, 3> colour{{0.8, 0.8, 0.8}};
};

struct SurfaceRenderOptions {
  int width = 800;
  int height = 800;
  std::array<double, 3> background{{0.0, 0.0, 0.0}};
  CoordinateSystem coordinateSystem = CoordinateSystem::LPS;  ///< the meshes' coordinates
};

/// Renders off screen (starting Xvfb when there is no display, see VirtualDisplay.h).
/// An empty list gives a picture of the background only.
RgbPicture renderSurfaces(const std::vector<ColouredMesh>& meshes, const SurfaceRenderOptions& options = {});

struct SurfaceView {
  RgbPicture picture;
  double millimetresPerPixel = 0;  ///< world size of one pixel (0 without meshes)
};
/// renderSurfaces(), with the picture's scale.
SurfaceView renderSurfaceView(const std::vector<ColouredMesh>& meshes, const SurfaceRenderOptions& options = {});

}  // namespace skipseg::render
