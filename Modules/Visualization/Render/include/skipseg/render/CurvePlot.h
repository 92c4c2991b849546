#pragma once
// Line charts as PNG (training curves, study summaries), drawn into a pixel buffer: no OpenGL context
// and no display needed, so they work on head-less training machines. Each panel has a title, axis
// titles, numbered ticks at round values, faint grid lines at the ticks, and a legend naming each curve.
#include "skipseg/render/PictureText.h"

#include <string>
#include <vector>

namespace skipseg::render {

struct PlotCurve {
  std::string name;            ///< shown in the panel's legend
  std::vector<double> values;  ///< one per x position (x = firstX, firstX + 1, ...); NaN: gap
  Rgb colour{{0, 0, 0}};
};

struct PlotPanel {
  std::string title;
  std::string xTitle = "epoch";
  std::string yTitle;
  std::vector<PlotCurve> curves;
  double yMin = 0, yMax = 0;  ///< yMin == yMax: fitted to the data (widened to round ticks)
  double firstX = 1;          ///< x of each curve's first value (epochs count from 1)
};

/// Where a panel's parts went, for tests and for callers that add to the picture.
struct PlotPanelLayout {
  PixelBox plot;  ///< the framed plotting area
  PixelBox title, xTitle, yTitle;
  std::vector<PixelBox> xTickLabels, yTickLabels;
  std::vector<PixelBox> legendTexts;  ///< one per curve
  std::vector<PixelBox> legendLines;  ///< the curve's colour, one per curve
};

struct CurvePlot {
  RgbPicture picture;
  std::vector<PlotPanelLayout> panels;
};

/// Panels side by side, each `panelWidth` x `height` pixels, on white.
CurvePlot drawCurvePlot(const std::vector<PlotPanel>& panels, int panelWidth = 480, int height = 360);

/// drawCurvePlot(), written atomically to `path` as PNG. Throws OutputFailed naming `path`.
void writeCurvePlot(const std::vector<PlotPanel>& panels, const std::string& path, int panelWidth = 480,
                    int height = 360);

/// Round tick values (1, 2 or 5 times a power of ten apart) covering [low, high], about `count` of them.
std::vector<double> roundTicks(double low, double high, int count = 5);

}  // namespace skipseg::render
