#include "skipseg/render/CurvePlot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace skipseg::render {
namespace {

constexpr Rgb kWhite{{255, 255, 255}};
constexpr Rgb kFrame{{60, 60, 60}};
constexpr Rgb kGrid{{228, 228, 228}};
constexpr Rgb kInk{{30, 30, 30}};
const TextStyle kTitleStyle{15, true, kInk, false};
const TextStyle kAxisTitleStyle{13, false, kInk, false};
const TextStyle kTickStyle{11, false, {{80, 80, 80}}, false};
const TextStyle kLegendStyle{12, false, kInk, false};

void setPixel(RgbPicture& picture, int x, int y, const Rgb& colour) {
  if (x >= 0 && y >= 0 && x < picture.width && y < picture.height) {
    std::copy(colour.begin(), colour.end(),
              picture.pixels.begin() + static_cast<long>((static_cast<std::size_t>(y) * picture.width + x) * 3));
  }
}

// Bresenham, two pixels thick so the curves read at a glance.
void drawLine(RgbPicture& picture, int x0, int y0, int x1, int y1, const Rgb& colour) {
  const int dx = std::abs(x1 - x0), dy = -std::abs(y1 - y0);
  const int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
  int error = dx + dy;
  while (true) {
    setPixel(picture, x0, y0, colour);
    setPixel(picture, x0, y0 + 1, colour);
    if (x0 == x1 && y0 == y1) {
      break;
    }
    const int twice = 2 * error;
    if (twice >= dy) {
      error += dy;
      x0 += sx;
    }
    if (twice <= dx) {
      error += dx;
      y0 += sy;
    }
  }
}

std::string tickText(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", std::abs(value) < 1e-12 ? 0.0 : value);
  return text;
}

// The y range: the panel's own, or the data's widened to round ticks.
std::pair<double, double> valueRange(const PlotPanel& panel) {
  if (panel.yMin != panel.yMax) {
    return {panel.yMin, panel.yMax};
  }
  double low = 1e300, high = -1e300;
  for (const auto& curve : panel.curves) {
    for (double value : curve.values) {
      if (std::isfinite(value)) {
        low = std::min(low, value);
        high = std::max(high, value);
      }
    }
  }
  if (low > high) {
    return {0.0, 1.0};
  }
  if (high - low < 1e-9) {
    high = low + 1;
  }
  const auto ticks = roundTicks(low, high);
  return {std::min(low, ticks.front()), std::max(high, ticks.back())};
}

// Pixels of `box` that a curve was drawn on (neither background, grid nor frame).
int curvePixelsIn(const RgbPicture& picture, const PixelBox& box) {
  int count = 0;
  for (int y = std::max(0, box.y); y < std::min(picture.height, box.bottom()); ++y) {
    for (int x = std::max(0, box.x); x < std::min(picture.width, box.right()); ++x) {
      const Rgb pixel = picture.at(x, y);
      count += pixel != kWhite && pixel != kGrid && pixel != kFrame ? 1 : 0;
    }
  }
  return count;
}

std::size_t longestCurve(const PlotPanel& panel) {
  std::size_t count = 0;
  for (const auto& curve : panel.curves) {
    count = std::max(count, curve.values.size());
  }
  return count;
}

PlotPanelLayout drawPanel(RgbPicture& picture, const PlotPanel& panel, int left, int width) {
  PlotPanelLayout layout;
  const auto place = [&picture](const std::string& text, const TextStyle& style, int x, int y) {
    return text.empty() ? PixelBox{x, y, 0, 0} : drawText(picture, x, y, text, style);
  };
  layout.title = measureText(panel.title, kTitleStyle);
  layout.title = place(panel.title, kTitleStyle, left + (width - layout.title.width) / 2, 6);
  layout.yTitle = place(panel.yTitle, kAxisTitleStyle, left + 8, 6 + 15 + 6);
  const int plotTop = 6 + 15 + 6 + 13 + 6;
  const int plotBottom = picture.height - 44;
  layout.plot = {left + 58, plotTop, width - 58 - 16, plotBottom - plotTop};
  const int x0 = layout.plot.x, x1 = layout.plot.right(), y0 = layout.plot.bottom(), y1 = layout.plot.y;

  const auto [low, high] = valueRange(panel);
  const auto yOf = [&](double value) {
    return y0 + static_cast<int>(std::lround(std::clamp((value - low) / (high - low), 0.0, 1.0) * (y1 - y0)));
  };
  for (double tick : roundTicks(low, high)) {
    if (tick < low - 1e-9 * (high - low) || tick > high + 1e-9 * (high - low)) {
      continue;
    }
    const int y = yOf(tick);
    drawLine(picture, x0, y, x1, y, kGrid);
    const std::string text = tickText(tick);
    const PixelBox box = measureText(text, kTickStyle);
    layout.yTickLabels.push_back(place(text, kTickStyle, x0 - 6 - box.width, y - box.height / 2));
  }
  const std::size_t count = longestCurve(panel);
  const double lastX = panel.firstX + static_cast<double>(std::max<std::size_t>(count, 1) - 1);
  const auto xOf = [&](double x) {
    const double fraction = lastX > panel.firstX ? (x - panel.firstX) / (lastX - panel.firstX) : 0.5;
    return x0 + static_cast<int>(std::lround(fraction * (x1 - x0)));
  };
  for (double tick : roundTicks(panel.firstX, std::max(lastX, panel.firstX + 1), 6)) {
    // Positions are whole steps (epochs): no tick between two of them.
    if (tick < panel.firstX || tick > lastX || std::abs(tick - std::round(tick)) > 1e-9) {
      continue;
    }
    const int x = xOf(tick);
    drawLine(picture, x, y0, x, y0 + 3, kFrame);
    const std::string text = tickText(tick);
    const PixelBox box = measureText(text, kTickStyle);
    layout.xTickLabels.push_back(place(text, kTickStyle, x - box.width / 2, y0 + 6));
  }
  layout.xTitle = measureText(panel.xTitle, kAxisTitleStyle);
  layout.xTitle = place(panel.xTitle, kAxisTitleStyle, x0 + (x1 - x0 - layout.xTitle.width) / 2, y0 + 22);
  drawLine(picture, x0, y0, x1, y0, kFrame);
  drawLine(picture, x0, y1, x1, y1, kFrame);
  drawLine(picture, x0, y0, x0, y1, kFrame);
  drawLine(picture, x1, y0, x1, y1, kFrame);

  for (const auto& curve : panel.curves) {
    bool previousValid = false;
    int px = 0, py = 0;
    for (std::size_t i = 0; i < curve.values.size(); ++i) {
      const double value = curve.values[i];
      if (!std::isfinite(value)) {
        previousValid = false;
        continue;
      }
      const int x = xOf(panel.firstX + static_cast<double>(i)), y = yOf(value);
      drawLine(picture, previousValid ? px : x, previousValid ? py : y, x, y, curve.colour);
      px = x, py = y, previousValid = true;
    }
  }

  // Legend in the corner of the plot where it hides the fewest curve pixels, on white so that the
  // curves under it do not cross the names.
  int legendWidth = 0;
  for (const auto& curve : panel.curves) {
    legendWidth = std::max(legendWidth, measureText(curve.name, kLegendStyle).width);
  }
  if (legendWidth > 0) {
    const int rowHeight = measureText("Ag", kLegendStyle).height + 2;
    const int frameWidth = legendWidth + 38, frameHeight = rowHeight * static_cast<int>(panel.curves.size()) + 6;
    PixelBox frame;
    int hidden = -1;
    for (const auto& [x, y] :
         {std::pair{x1 - frameWidth - 6, y1 + 6}, std::pair{x1 - frameWidth - 6, y0 - frameHeight - 6},
          std::pair{x0 + 6, y1 + 6}, std::pair{x0 + 6, y0 - frameHeight - 6}}) {
      const PixelBox candidate{x, y, frameWidth, frameHeight};
      const int covered = curvePixelsIn(picture, candidate);
      if (hidden < 0 || covered < hidden) {
        frame = candidate;
        hidden = covered;
      }
    }
    fillBox(picture, frame, kGrid);
    fillBox(picture, {frame.x + 1, frame.y + 1, frame.width - 2, frame.height - 2}, kWhite);
    int y = frame.y + 4;
    for (const auto& curve : panel.curves) {
      const PixelBox line{frame.x + 6, y + rowHeight / 2 - 2, 20, 3};
      fillBox(picture, line, curve.colour);
      layout.legendLines.push_back(line);
      layout.legendTexts.push_back(place(curve.name, kLegendStyle, line.right() + 6, y));
      y += rowHeight;
    }
  }
  return layout;
}

}  // namespace

std::vector<double> roundTicks(double low, double high, int count) {
  if (!(high > low) || count < 1) {
    return {low};
  }
  const double rough = (high - low) / count;
  const double decade = std::pow(10.0, std::floor(std::log10(rough)));
  double step = decade;
  for (const double multiple : {1.0, 2.0, 5.0, 10.0}) {
    if (multiple * decade >= rough) {
      step = multiple * decade;
      break;
    }
  }
  std::vector<double> ticks;
  for (double tick = std::floor(low / step) * step; tick < high + step * 0.999; tick += step) {
    ticks.push_back(std::abs(tick) < step * 1e-9 ? 0.0 : tick);
  }
  return ticks;
}

CurvePlot drawCurvePlot(const std::vector<PlotPanel>& panels, int panelWidth, int height) {
  CurvePlot plot;
  plot.picture = blankPicture(panelWidth * static_cast<int>(std::max<std::size_t>(1, panels.size())), height, kWhite);
  for (std::size_t p = 0; p < panels.size(); ++p) {
    plot.panels.push_back(drawPanel(plot.picture, panels[p], static_cast<int>(p) * panelWidth, panelWidth));
  }
  return plot;
}

void writeCurvePlot(const std::vector<PlotPanel>& panels, const std::string& path, int panelWidth, int height) {
  writePng(drawCurvePlot(panels, panelWidth, height).picture, path);
}

}  // namespace skipseg::render
