#pragma once
// A small PNG of training curves, drawn into a pixel buffer and written with VTK's PNG writer: no
// OpenGL context needed, so it works on head-less training machines. Each panel has its own y range,
// a frame and faint grid lines at tenths; curves are polylines over the epochs.
#include <array>
#include <string>
#include <vector>

namespace skipseg::programs {

struct PlotCurve {
  std::vector<double> values;  ///< one per epoch; NaN: gap
  std::array<unsigned char, 3> color{{0, 0, 0}};
};

struct PlotPanel {
  std::vector<PlotCurve> curves;
  double yMin = 0, yMax = 1;  ///< yMin == yMax: fitted to the data
};

/// Panels side by side, each `panelWidth` x `height` pixels; written atomically to `path`.
void writeCurvePlot(const std::vector<PlotPanel>& panels, const std::string& path, int panelWidth = 480,
                    int height = 360);

}  // namespace skipseg::programs
