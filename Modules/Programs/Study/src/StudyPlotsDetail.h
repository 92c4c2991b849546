#pragma once
// What the figure writers share (StudyPlots.cxx: charts and contour maps, SurfacePlot.cxx: surfaces):
// one off-screen VTK view per panel, panels side by side in one PNG, and the colour scale of the maps.
#include <vtkColorTransferFunction.h>
#include <vtkContextView.h>
#include <vtkSmartPointer.h>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace skipseg::programs::study::detail {

/// Renders `panelCount` pictures of panelWidth x height, picture i drawn by draw(view, i) into its own
/// view (under a virtual display when there is none), and writes them side by side, atomically.
void writePanelFigure(std::size_t panelCount, const std::string& path, int panelWidth, int height,
                      const std::function<void(vtkContextView&, std::size_t)>& draw);

/// One picture per element of `panels`.
template <typename Panel>
void writeFigure(const std::vector<Panel>& panels, const std::string& path, int panelWidth, int height,
                 const std::function<void(vtkContextView&, const Panel&)>& draw) {
  writePanelFigure(panels.size(), path, panelWidth, height,
                   [&](vtkContextView& view, std::size_t index) { draw(view, panels[index]); });
}

/// Dark blue (low) through green to yellow (high), clamped outside [low, high].
vtkSmartPointer<vtkColorTransferFunction> viridisLike(double low, double high);

}  // namespace skipseg::programs::study::detail
