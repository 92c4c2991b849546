#include "CurvePlot.h"

#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/Error.h"

#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPNGWriter.h>

#include <algorithm>
#include <cmath>

namespace skipseg::programs {
namespace {

constexpr int kMargin = 24;

struct Canvas {
  int width, height;
  std::vector<unsigned char> rgb;
  Canvas(int w, int h) : width(w), height(h), rgb(static_cast<std::size_t>(w * h * 3), 255) {}
  void set(int x, int y, const std::array<unsigned char, 3>& color) {
    if (x < 0 || y < 0 || x >= width || y >= height) {
      return;
    }
    const std::size_t offset = static_cast<std::size_t>((y * width + x) * 3);
    std::copy(color.begin(), color.end(), rgb.begin() + static_cast<std::ptrdiff_t>(offset));
  }
  // Bresenham, two pixels thick so the curves read at a glance.
  void line(int x0, int y0, int x1, int y1, const std::array<unsigned char, 3>& color) {
    const int dx = std::abs(x1 - x0), dy = -std::abs(y1 - y0);
    const int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
    int error = dx + dy;
    while (true) {
      set(x0, y0, color);
      set(x0, y0 + 1, color);
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
};

void drawPanel(Canvas& canvas, const PlotPanel& panel, int left, int width) {
  double low = panel.yMin, high = panel.yMax;
  if (low == high) {
    low = 1e300;
    high = -1e300;
    for (const auto& curve : panel.curves) {
      for (double value : curve.values) {
        if (std::isfinite(value)) {
          low = std::min(low, value);
          high = std::max(high, value);
        }
      }
    }
    if (low > high) {
      low = 0;
      high = 1;
    }
    if (high - low < 1e-9) {
      high = low + 1;
    }
  }
  const int x0 = left + kMargin, x1 = left + width - kMargin / 2, y0 = canvas.height - kMargin, y1 = kMargin / 2;
  const std::array<unsigned char, 3> frame{{60, 60, 60}}, grid{{225, 225, 225}};
  for (int tenth = 1; tenth < 10; ++tenth) {
    const int y = y0 + (y1 - y0) * tenth / 10;
    canvas.line(x0, y, x1, y, grid);
  }
  canvas.line(x0, y0, x1, y0, frame);
  canvas.line(x0, y1, x1, y1, frame);
  canvas.line(x0, y0, x0, y1, frame);
  canvas.line(x1, y0, x1, y1, frame);
  for (const auto& curve : panel.curves) {
    const std::size_t count = curve.values.size();
    bool previousValid = false;
    int px = 0, py = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const double value = curve.values[i];
      if (!std::isfinite(value)) {
        previousValid = false;
        continue;
      }
      const double fx = count > 1 ? static_cast<double>(i) / static_cast<double>(count - 1) : 0.5;
      const double fy = std::clamp((value - low) / (high - low), 0.0, 1.0);
      const int x = x0 + static_cast<int>(std::lround(fx * (x1 - x0)));
      const int y = y0 + static_cast<int>(std::lround(fy * (y1 - y0)));
      if (previousValid) {
        canvas.line(px, py, x, y, curve.color);
      } else {
        canvas.line(x, y, x, y, curve.color);
      }
      px = x;
      py = y;
      previousValid = true;
    }
  }
}

}  // namespace

void writeCurvePlot(const std::vector<PlotPanel>& panels, const std::string& path, int panelWidth, int height) {
  Canvas canvas(panelWidth * static_cast<int>(std::max<std::size_t>(1, panels.size())), height);
  for (std::size_t p = 0; p < panels.size(); ++p) {
    drawPanel(canvas, panels[p], static_cast<int>(p) * panelWidth, panelWidth);
  }
  vtkNew<vtkImageData> image;
  image->SetDimensions(canvas.width, canvas.height, 1);
  image->AllocateScalars(VTK_UNSIGNED_CHAR, 3);
  auto* pixels = static_cast<unsigned char*>(image->GetScalarPointer());
  // VTK's first row is the bottom of the picture; the canvas' first row is the top.
  for (int y = 0; y < canvas.height; ++y) {
    std::copy_n(canvas.rgb.data() + static_cast<std::size_t>((canvas.height - 1 - y) * canvas.width * 3),
                canvas.width * 3, pixels + static_cast<std::size_t>(y * canvas.width * 3));
  }
  AtomicOutput output(path);
  vtkNew<vtkPNGWriter> writer;
  writer->SetInputData(image);
  writer->SetFileName(output.temporaryPath().c_str());
  writer->Write();
  if (writer->GetErrorCode() != 0) {
    throw outputFailed(path, "cannot write the PNG");
  }
  output.commit();
}

}  // namespace skipseg::programs
