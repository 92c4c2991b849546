#include "skipseg/render/SurfaceRender.h"

#include "skipseg/render/VirtualDisplay.h"

#include <vtkActor.h>
#include <vtkAutoInit.h>
#include <vtkCamera.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkUnsignedCharArray.h>
#include <vtkWindowToImageFilter.h>

#include <algorithm>

// Registers VTK's OpenGL implementations of the rendering classes (VTK 9 needs this once per program).
VTK_MODULE_INIT(vtkRenderingOpenGL2);

namespace skipseg::render {

RgbPicture renderSurfaces(const std::vector<ColouredMesh>& meshes, const SurfaceRenderOptions& options) {
  return renderSurfaceView(meshes, options).picture;
}

SurfaceView renderSurfaceView(const std::vector<ColouredMesh>& meshes, const SurfaceRenderOptions& options) {
  VirtualDisplay display;
  vtkNew<vtkRenderer> renderer;
  renderer->SetBackground(options.background[0], options.background[1], options.background[2]);
  for (const auto& item : meshes) {
    vtkNew<vtkPolyDataMapper> mapper;
    mapper->SetInputData(item.mesh);
    mapper->ScalarVisibilityOff();
    vtkNew<vtkActor> actor;
    actor->SetMapper(mapper);
    actor->GetProperty()->SetColor(item.colour[0], item.colour[1], item.colour[2]);
    actor->GetProperty()->SetSpecular(0.2);
    renderer->AddActor(actor);
  }
  // Anterior is -y in LPS and +y in RAS; superior is +z in both.
  const double front = options.coordinateSystem == CoordinateSystem::LPS ? -1.0 : 1.0;
  vtkCamera* camera = renderer->GetActiveCamera();
  camera->SetFocalPoint(0, 0, 0);
  camera->SetPosition(0, front, 0);
  camera->SetViewUp(0, 0, 1);
  // A parallel projection: every structure drawn at one scale, so that a scale bar holds everywhere.
  camera->ParallelProjectionOn();
  renderer->ResetCamera();  // keeps the direction, fits the meshes' bounding sphere
  // Seen from the front the picture spans x (across) and z (up): fit those extents, not the sphere, so
  // the structures fill the view with a small margin.
  double bounds[6];
  renderer->ComputeVisiblePropBounds(bounds);
  if (!meshes.empty() && bounds[0] <= bounds[1]) {
    const double aspect = static_cast<double>(options.width) / options.height;
    const double halfHeight = std::max((bounds[5] - bounds[4]) / 2.0, (bounds[1] - bounds[0]) / 2.0 / aspect);
    camera->SetParallelScale(std::max(halfHeight, 1e-3) * 1.08);
  }

  vtkNew<vtkRenderWindow> window;
  window->SetOffScreenRendering(1);
  window->SetSize(options.width, options.height);
  window->AddRenderer(renderer);
  window->Render();

  vtkNew<vtkWindowToImageFilter> capture;
  capture->SetInput(window);
  capture->SetInputBufferTypeToRGB();
  capture->ReadFrontBufferOff();
  capture->Update();
  vtkImageData* image = capture->GetOutput();
  int dimensions[3];
  image->GetDimensions(dimensions);
  SurfaceView view;
  // The parallel scale is half the view's height in world millimetres.
  view.millimetresPerPixel = meshes.empty() ? 0.0 : 2.0 * camera->GetParallelScale() / options.height;
  RgbPicture& picture = view.picture;
  picture.width = dimensions[0];
  picture.height = dimensions[1];
  picture.pixels.resize(static_cast<std::size_t>(picture.width) * picture.height * 3);
  const auto* source = static_cast<const unsigned char*>(image->GetScalarPointer());
  const std::size_t row = static_cast<std::size_t>(picture.width) * 3;
  for (int y = 0; y < picture.height; ++y) {  // VTK's rows run bottom-up
    std::copy_n(source + static_cast<std::size_t>(picture.height - 1 - y) * row, row,
                picture.pixels.begin() + static_cast<long>(static_cast<std::size_t>(y) * row));
  }
  window->Finalize();
  return view;
}

}  // namespace skipseg::render
