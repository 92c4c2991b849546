#pragma once
// The pictures of skipseg-study, drawn with VTK's charts off screen (axis titles, numbers, legends)
// and written as one PNG per figure, panels side by side. No Torch here: the experiments hand over
// plain numbers.
#include <array>
#include <limits>
#include <string>
#include <vector>

namespace skipseg::programs::study {

using Colour = std::array<unsigned char, 3>;

/// A categorical palette (Tableau 10): colour i of a figure.
Colour paletteColour(std::size_t index);

struct Series {
  std::string name;  ///< in the legend
  std::vector<double> x, y;
  Colour colour{{0, 0, 0}};
  bool dashed = false;
  bool markers = false;      ///< points as well as the line
  bool markersOnly = false;  ///< points, no line
};

struct LineChart {
  std::string title, xTitle, yTitle;
  std::vector<Series> series;
  double yMin = std::numeric_limits<double>::quiet_NaN();  ///< NaN: fitted to the data
  double yMax = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::string> xLabels;  ///< when given: tick i + 1 is labelled xLabels[i] (categories)
  bool xLog = false;                 ///< logarithmic x axis
};

/// Line charts side by side, each panelWidth x height pixels; written atomically.
void writeLineCharts(const std::vector<LineChart>& panels, const std::string& path, int panelWidth = 560,
                     int height = 420);

struct ScalarGrid {
  std::string title, xTitle, yTitle, valueTitle;
  std::vector<double> coordinates;          ///< the same along x and y
  std::vector<std::vector<double>> values;  ///< values[i][j] at x = coordinates[i], y = coordinates[j]
};

/// Heat maps with iso-lines at `levels`, sharing one colour scale [low, high] (values outside are
/// clamped), side by side.
void writeContourMaps(const std::vector<ScalarGrid>& panels, double low, double high, const std::vector<double>& levels,
                      const std::string& path, int panelWidth = 520, int height = 460);

/// The same grids as surfaces of height `values`, drawn in an isometric projection as shaded quads
/// (far ones first, so that nearer ones cover them), with a floor frame, ticks and titles for the two
/// grid axes and the height axis, and one colour bar for the scale [low, high] shared by all panels.
void writeSurfaces(const std::vector<ScalarGrid>& panels, double low, double high, const std::string& path,
                   int panelWidth = 520, int height = 460);

}  // namespace skipseg::programs::study
