// writeSurfaces: a loss landscape as a surface, drawn quad by quad on VTK's 2D context. VTK's 3D
// charts were tried first and gave unreadable axes; a fixed isometric view drawn by hand keeps the
// titles, ticks and colour bar under control.
#include "StudyPlots.h"
#include "StudyPlotsDetail.h"

#include <vtkBrush.h>
#include <vtkContext2D.h>
#include <vtkContextItem.h>
#include <vtkContextScene.h>
#include <vtkContextView.h>
#include <vtkObjectFactory.h>
#include <vtkPen.h>
#include <vtkTextProperty.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace skipseg::programs::study {
namespace {

using detail::viridisLike;
using detail::writeFigure;

// World coordinates: u, v in [-1, 1] along the grid's x and y, w in [0, 1] for [low, high].
// Isometric view from the corner u = v = -1: larger u + v lies further back and higher on screen. The
// height axis is drawn at 0.9 of a half-side: high enough to show relief, low enough (about 38 degrees
// of elevation) for a basin to show over a raised front edge.
constexpr double kCos30 = 0.8660254037844386, kSin30 = 0.5, kHeight = 0.9;

struct Point2 {
  float x, y;
};

std::string formatted(double value, const char* format) {
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

class SurfaceItem : public vtkContextItem {
 public:
  static SurfaceItem* New();
  vtkTypeMacro(SurfaceItem, vtkContextItem);

  const ScalarGrid* grid = nullptr;
  double low = 0, high = 1;
  int width = 0, height = 0;
  vtkColorTransferFunction* colours = nullptr;

  bool Paint(vtkContext2D* painter) override {
    const int n = static_cast<int>(grid->coordinates.size());
    const double extent = std::max(std::abs(grid->coordinates.front()), std::abs(grid->coordinates.back()));
    const auto u = [&](int i) { return grid->coordinates[i] / extent; };
    const auto w = [&](double value) { return (std::clamp(value, low, high) - low) / std::max(high - low, 1e-12); };
    // Fit the projected box (x in [-2 cos30, 2 cos30], y in [-1, 1 + height]) into the plot area.
    const double left = 70, right = width - 95, bottom = 70, top = height - 45;
    scale_ = std::min((right - left) / (4 * kCos30), (top - bottom) / (2 + kHeight));
    centreX_ = (left + right) / 2;
    baseY_ = (bottom + top) / 2 - scale_ * kHeight / 2;

    drawFloor(painter);
    // Quads far to near: painter's algorithm.
    std::vector<std::array<int, 2>> quads;
    for (int i = 0; i + 1 < n; ++i) {
      for (int j = 0; j + 1 < n; ++j) {
        quads.push_back({i, j});
      }
    }
    std::sort(quads.begin(), quads.end(), [](const auto& a, const auto& b) { return a[0] + a[1] > b[0] + b[1]; });
    painter->GetPen()->SetColor(40, 40, 40, 140);
    painter->GetPen()->SetWidth(0.6F);
    for (const auto& [i, j] : quads) {
      const std::array<std::array<int, 2>, 4> corners{{{i, j}, {i + 1, j}, {i + 1, j + 1}, {i, j + 1}}};
      float points[8];
      double mean = 0;
      std::array<std::array<double, 3>, 4> world{};
      for (int c = 0; c < 4; ++c) {
        const auto [ci, cj] = corners[c];
        const double value = grid->values[ci][cj];
        mean += std::clamp(value, low, high) / 4;
        world[c] = {u(ci), u(cj), w(value) * kHeight};
        const auto p = project(world[c][0], world[c][1], w(value));
        points[2 * c] = p.x;
        points[2 * c + 1] = p.y;
      }
      // Lambert shading with light from above-left-front: the shape reads without the colour scale.
      const std::array<double, 3> a{world[2][0] - world[0][0], world[2][1] - world[0][1], world[2][2] - world[0][2]};
      const std::array<double, 3> b{world[3][0] - world[1][0], world[3][1] - world[1][1], world[3][2] - world[1][2]};
      std::array<double, 3> normal{a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
      const double length = std::sqrt(normal[0] * normal[0] + normal[1] * normal[1] + normal[2] * normal[2]);
      const std::array<double, 3> light{-0.45, -0.25, 0.86};
      const double lambert =
          length > 0 ? std::abs(normal[0] * light[0] + normal[1] * light[1] + normal[2] * light[2]) / length : 1.0;
      const double shade = 0.62 + 0.38 * lambert;
      double rgb[3];
      colours->GetColor(mean, rgb);
      painter->GetBrush()->SetColor(static_cast<unsigned char>(255 * rgb[0] * shade),
                                    static_cast<unsigned char>(255 * rgb[1] * shade),
                                    static_cast<unsigned char>(255 * rgb[2] * shade), 255);
      painter->DrawPolygon(points, 4);
      float outline[10];
      std::copy_n(points, 8, outline);
      outline[8] = points[0];
      outline[9] = points[1];
      painter->DrawPoly(outline, 5);
    }
    drawSkirts(painter, u, w);
    drawAxes(painter, extent);
    drawColourBar(painter);
    text(painter, static_cast<float>(width) / 2, static_cast<float>(height) - 20, grid->title, 15, true);
    return true;
  }

 private:
  Point2 project(double uu, double vv, double ww) const {
    return {static_cast<float>(centreX_ + scale_ * (uu - vv) * kCos30),
            static_cast<float>(baseY_ + scale_ * ((uu + vv) * kSin30 + ww * kHeight))};
  }

  void line(vtkContext2D* painter, Point2 a, Point2 b) const { painter->DrawLine(a.x, a.y, b.x, b.y); }

  void text(vtkContext2D* painter, float x, float y, const std::string& value, int size, bool bold = false,
            double orientation = 0) const {
    auto* property = painter->GetTextProp();
    property->SetFontSize(size);
    property->SetBold(bold);
    property->SetColor(0, 0, 0);
    property->SetOrientation(orientation);
    property->SetJustificationToCentered();
    property->SetVerticalJustificationToCentered();
    painter->DrawString(x, y, value);
  }

  // The floor frame at w = 0 (under the surface, drawn first).
  void drawFloor(vtkContext2D* painter) const {
    painter->GetPen()->SetColor(150, 150, 150, 255);
    painter->GetPen()->SetWidth(1.0F);
    const Point2 corners[4] = {project(-1, -1, 0), project(1, -1, 0), project(1, 1, 0), project(-1, 1, 0)};
    for (int c = 0; c < 4; ++c) {
      line(painter, corners[c], corners[(c + 1) % 4]);
    }
  }

  // Walls from the two front edges down to the floor, drawn last: without them the eye looks under a
  // raised front edge and sees the underside of a basin behind it.
  template <typename Coordinate, typename Height>
  void drawSkirts(vtkContext2D* painter, const Coordinate& u, const Height& w) const {
    const int n = static_cast<int>(grid->coordinates.size());
    painter->GetBrush()->SetColor(228, 228, 228, 255);
    for (const bool alongAlpha : {true, false}) {
      for (int k = 0; k + 1 < n; ++k) {
        const double a = u(k), b = u(k + 1);
        const double top0 = w(alongAlpha ? grid->values[k][0] : grid->values[0][k]);
        const double top1 = w(alongAlpha ? grid->values[k + 1][0] : grid->values[0][k + 1]);
        const Point2 corners[4] = {alongAlpha ? project(a, -1, top0) : project(-1, a, top0),
                                   alongAlpha ? project(b, -1, top1) : project(-1, b, top1),
                                   alongAlpha ? project(b, -1, 0) : project(-1, b, 0),
                                   alongAlpha ? project(a, -1, 0) : project(-1, a, 0)};
        float points[10];
        for (int c = 0; c < 5; ++c) {
          points[2 * c] = corners[c % 4].x;
          points[2 * c + 1] = corners[c % 4].y;
        }
        painter->GetPen()->SetColor(0, 0, 0, 0);  // no seams between the wall's pieces
        painter->DrawPolygon(points, 4);
        painter->GetPen()->SetColor(120, 120, 120, 255);
        painter->GetPen()->SetWidth(1.0F);
        line(painter, corners[2], corners[3]);  // the floor's front edge
      }
    }
  }

  // Ticks and titles: alpha along the front-right edge, beta along the front-left edge, the height on
  // the left corner's vertical.
  void drawAxes(vtkContext2D* painter, double extent) const {
    painter->GetPen()->SetColor(0, 0, 0, 255);
    painter->GetPen()->SetWidth(1.2F);
    for (const double t : {-1.0, 0.0, 1.0}) {
      const std::string label = formatted(t * extent, "%.2g");
      line(painter, project(t, -1, 0), project(t, -1.08, 0));
      const auto alphaTick = project(t, -1.2, 0);
      text(painter, alphaTick.x, alphaTick.y, label, 11);
      line(painter, project(-1, t, 0), project(-1.08, t, 0));
      const auto betaTick = project(-1.2, t, 0);
      text(painter, betaTick.x, betaTick.y, label, 11);
    }
    // Each title runs along its edge: alpha's rises to the right (+30 degrees), beta's to the left.
    const auto alphaTitle = project(0, -1.5, 0);
    text(painter, alphaTitle.x, alphaTitle.y, grid->xTitle, 13, false, 30);
    const auto betaTitle = project(-1.5, 0, 0);
    text(painter, betaTitle.x, betaTitle.y, grid->yTitle, 13, false, -30);
    const auto foot = project(-1, 1, 0), head = project(-1, 1, 1);
    line(painter, foot, head);
    for (const double t : {0.0, 0.5, 1.0}) {
      const auto tick = project(-1, 1, t);
      line(painter, tick, {tick.x - 5, tick.y});
      text(painter, tick.x - 24, tick.y, formatted(low + t * (high - low), "%.2f"), 11);
    }
    text(painter, foot.x - 52, (foot.y + head.y) / 2, grid->valueTitle, 13, false, 90);
  }

  // One colour scale for every panel: the bar at the right edge.
  void drawColourBar(vtkContext2D* painter) const {
    const float x0 = static_cast<float>(width) - 62, x1 = x0 + 16;
    const float y0 = 90, y1 = static_cast<float>(height) - 90;
    const int steps = 64;
    painter->GetPen()->SetColor(0, 0, 0, 0);
    for (int s = 0; s < steps; ++s) {
      double rgb[3];
      colours->GetColor(low + (high - low) * (s + 0.5) / steps, rgb);
      painter->GetBrush()->SetColor(static_cast<unsigned char>(255 * rgb[0]), static_cast<unsigned char>(255 * rgb[1]),
                                    static_cast<unsigned char>(255 * rgb[2]), 255);
      const float ya = y0 + (y1 - y0) * s / steps, yb = y0 + (y1 - y0) * (s + 1) / steps + 0.5F;
      painter->DrawQuad(x0, ya, x1, ya, x1, yb, x0, yb);
    }
    painter->GetPen()->SetColor(0, 0, 0, 255);
    for (const double t : {0.0, 0.5, 1.0}) {
      const float y = y0 + static_cast<float>(t) * (y1 - y0);
      line(painter, {x1, y}, {x1 + 4, y});
      text(painter, x1 + 22, y, formatted(low + t * (high - low), "%.2f"), 11);
    }
    text(painter, (x0 + x1) / 2 + 8, y1 + 22, "log10 loss", 11);
  }

  double scale_ = 1, centreX_ = 0, baseY_ = 0;
};
vtkStandardNewMacro(SurfaceItem);

}  // namespace

void writeSurfaces(const std::vector<ScalarGrid>& panels, double low, double high, const std::string& path,
                   int panelWidth, int height) {
  const auto colours = viridisLike(low, high);
  writeFigure<ScalarGrid>(panels, path, panelWidth, height, [&](vtkContextView& view, const ScalarGrid& panel) {
    vtkNew<SurfaceItem> item;
    item->grid = &panel;
    item->low = low;
    item->high = high;
    item->width = panelWidth;
    item->height = height;
    item->colours = colours;
    view.GetScene()->AddItem(item);
  });
}

}  // namespace skipseg::programs::study
