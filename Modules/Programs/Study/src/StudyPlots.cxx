#include "StudyPlots.h"

#include "StudyPlotsDetail.h"

#include "skipseg/core/Error.h"
#include "skipseg/render/RgbPicture.h"
#include "skipseg/render/VirtualDisplay.h"

#include <vtkAutoInit.h>
#include <vtkAxis.h>
#include <vtkCellArray.h>
#include <vtkChartHistogram2D.h>
#include <vtkChartLegend.h>
#include <vtkChartXY.h>
#include <vtkColorLegend.h>
#include <vtkColorTransferFunction.h>
#include <vtkContextScene.h>
#include <vtkContextView.h>
#include <vtkContourFilter.h>
#include <vtkDoubleArray.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPen.h>
#include <vtkPlot.h>
#include <vtkPlotLine.h>
#include <vtkPlotPoints.h>
#include <vtkPointData.h>
#include <vtkPolyData.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkStringArray.h>
#include <vtkStripper.h>
#include <vtkTable.h>
#include <vtkTextProperty.h>
#include <vtkWindowToImageFilter.h>

#include <algorithm>
#include <cmath>
#include <functional>

// The object factories behind the charts: OpenGL context, 2D context device, fonts (a static library
// does not run VTK's automatic module initialisation).
VTK_MODULE_INIT(vtkRenderingOpenGL2);
VTK_MODULE_INIT(vtkRenderingContextOpenGL2);
VTK_MODULE_INIT(vtkRenderingFreeType);
VTK_MODULE_INIT(vtkInteractionStyle);

namespace skipseg::programs::study {
namespace {

struct Picture {
  int width = 0, height = 0;
  std::vector<unsigned char> rgb;  ///< rows bottom-up, as VTK gives them
};

// Renders whatever `fill` puts into the view's scene into an RGB picture.
Picture renderView(int width, int height, const std::function<void(vtkContextView&)>& fill) {
  vtkNew<vtkContextView> view;
  view->GetRenderer()->SetBackground(1.0, 1.0, 1.0);
  view->GetRenderWindow()->SetOffScreenRendering(1);
  view->GetRenderWindow()->SetSize(width, height);
  fill(*view);
  view->GetRenderWindow()->Render();
  vtkNew<vtkWindowToImageFilter> capture;
  capture->SetInput(view->GetRenderWindow());
  capture->SetInputBufferTypeToRGB();
  capture->ReadFrontBufferOff();
  capture->Update();
  Picture picture;
  picture.width = width;
  picture.height = height;
  const auto* pixels = static_cast<const unsigned char*>(capture->GetOutput()->GetScalarPointer());
  picture.rgb.assign(pixels, pixels + static_cast<std::size_t>(width) * height * 3);
  view->GetRenderWindow()->Finalize();
  return picture;
}

void writePanels(const std::vector<Picture>& panels, const std::string& path) {
  if (panels.empty()) {
    throw usageError("a figure needs at least one panel: " + path);
  }
  render::RgbPicture figure;
  figure.height = panels.front().height;
  for (const auto& panel : panels) {
    figure.width += panel.width;
  }
  figure.pixels.resize(static_cast<std::size_t>(figure.width) * figure.height * 3);
  int left = 0;
  for (const auto& panel : panels) {
    for (int y = 0; y < figure.height; ++y) {  // VTK's rows run bottom-up, the picture's top-down
      std::copy_n(panel.rgb.data() + static_cast<std::size_t>(figure.height - 1 - y) * panel.width * 3, panel.width * 3,
                  figure.pixels.data() + (static_cast<std::size_t>(y) * figure.width + left) * 3);
    }
    left += panel.width;
  }
  render::writePng(figure, path);
}

void styleAxis(vtkAxis* axis, const std::string& title) {
  axis->SetTitle(title);
  axis->GetTitleProperties()->SetFontSize(14);
  axis->GetLabelProperties()->SetFontSize(12);
}

// Title and axis titles of a chart (line chart or heat map).
void decorate(vtkChartXY& chart, const std::string& title, const std::string& xTitle, const std::string& yTitle) {
  chart.SetTitle(title);
  chart.GetTitleProperties()->SetFontSize(15);
  chart.GetTitleProperties()->BoldOn();
  styleAxis(chart.GetAxis(vtkAxis::BOTTOM), xTitle);
  styleAxis(chart.GetAxis(vtkAxis::LEFT), yTitle);
}

}  // namespace

namespace detail {

void writePanelFigure(std::size_t panelCount, const std::string& path, int panelWidth, int height,
                      const std::function<void(vtkContextView&, std::size_t)>& draw) {
  render::VirtualDisplay display;
  std::vector<Picture> pictures;
  for (std::size_t panel = 0; panel < panelCount; ++panel) {
    pictures.push_back(renderView(panelWidth, height, [&](vtkContextView& view) { draw(view, panel); }));
  }
  writePanels(pictures, path);
}

vtkSmartPointer<vtkColorTransferFunction> viridisLike(double low, double high) {
  // Dark blue (low loss) through green to yellow (high loss): readable in grey as well.
  auto function = vtkSmartPointer<vtkColorTransferFunction>::New();
  const double stops[5][3] = {
      {0.27, 0.00, 0.33}, {0.23, 0.32, 0.55}, {0.13, 0.57, 0.55}, {0.37, 0.79, 0.38}, {0.99, 0.91, 0.14}};
  for (int s = 0; s < 5; ++s) {
    function->AddRGBPoint(low + (high - low) * s / 4.0, stops[s][0], stops[s][1], stops[s][2]);
  }
  function->ClampingOn();
  return function;
}

}  // namespace detail

using detail::viridisLike;
using detail::writeFigure;

Colour paletteColour(std::size_t index) {
  static const Colour palette[] = {{{31, 119, 180}},  {{255, 127, 14}}, {{44, 160, 44}},   {{214, 39, 40}},
                                   {{148, 103, 189}}, {{140, 86, 75}},  {{227, 119, 194}}, {{127, 127, 127}},
                                   {{188, 189, 34}},  {{23, 190, 207}}};
  return palette[index % 10];
}

void writeLineCharts(const std::vector<LineChart>& panels, const std::string& path, int panelWidth, int height) {
  writeFigure<LineChart>(panels, path, panelWidth, height, [](vtkContextView& view, const LineChart& panel) {
    vtkNew<vtkChartXY> chart;
    view.GetScene()->AddItem(chart);
    decorate(*chart, panel.title, panel.xTitle, panel.yTitle);
    chart->SetShowLegend(true);
    chart->GetLegend()->SetHorizontalAlignment(vtkChartLegend::RIGHT);
    chart->GetLegend()->SetVerticalAlignment(vtkChartLegend::TOP);
    chart->GetLegend()->GetLabelProperties()->SetFontSize(11);
    for (const auto& series : panel.series) {
      vtkNew<vtkTable> table;
      vtkNew<vtkDoubleArray> x, y;
      x->SetName("x");
      y->SetName(series.name.c_str());
      table->AddColumn(x);
      table->AddColumn(y);
      table->SetNumberOfRows(static_cast<vtkIdType>(series.x.size()));
      for (std::size_t i = 0; i < series.x.size(); ++i) {
        table->SetValue(static_cast<vtkIdType>(i), 0, series.x[i]);
        table->SetValue(static_cast<vtkIdType>(i), 1, series.y[i]);
      }
      auto* plot = vtkPlotPoints::SafeDownCast(chart->AddPlot(series.markersOnly ? vtkChart::POINTS : vtkChart::LINE));
      plot->SetInputData(table, 0, 1);
      plot->SetColor(series.colour[0], series.colour[1], series.colour[2], 255);
      plot->SetWidth(2.0);
      if (series.dashed) {
        plot->GetPen()->SetLineType(vtkPen::DASH_LINE);
      }
      plot->SetMarkerStyle(series.markers || series.markersOnly ? vtkPlotPoints::CIRCLE : vtkPlotPoints::NONE);
      plot->SetMarkerSize(series.markersOnly ? 10.0F : 6.0F);
    }
    if (panel.xLog) {
      chart->GetAxis(vtkAxis::BOTTOM)->SetLogScale(true);
    }
    if (!panel.xLabels.empty()) {
      vtkNew<vtkDoubleArray> positions;
      vtkNew<vtkStringArray> names;
      for (std::size_t i = 0; i < panel.xLabels.size(); ++i) {
        positions->InsertNextValue(static_cast<double>(i + 1));
        names->InsertNextValue(panel.xLabels[i]);
      }
      auto* axis = chart->GetAxis(vtkAxis::BOTTOM);
      axis->SetCustomTickPositions(positions, names);
      axis->SetBehavior(vtkAxis::FIXED);
      axis->SetRange(0.5, static_cast<double>(panel.xLabels.size()) + 0.5);
      axis->GetLabelProperties()->SetOrientation(20);
    }
    if (std::isfinite(panel.yMin) && std::isfinite(panel.yMax)) {
      chart->GetAxis(vtkAxis::LEFT)->SetBehavior(vtkAxis::FIXED);
      chart->GetAxis(vtkAxis::LEFT)->SetRange(panel.yMin, panel.yMax);
    }
  });
}

namespace {

// `cellCentred`: the heat map draws pixel i from origin + i * step, so its origin moves half a step
// down for the pixels to sit centred on the grid points; contours need the points themselves.
vtkSmartPointer<vtkImageData> gridImage(const ScalarGrid& grid, double low, double high, bool cellCentred) {
  const int n = static_cast<int>(grid.coordinates.size());
  auto image = vtkSmartPointer<vtkImageData>::New();
  image->SetDimensions(n, n, 1);
  const double step = n > 1 ? grid.coordinates[1] - grid.coordinates[0] : 1.0;
  const double origin = grid.coordinates.front() - (cellCentred ? step / 2 : 0.0);
  image->SetOrigin(origin, origin, 0);
  image->SetSpacing(step, step, 1);
  image->AllocateScalars(VTK_DOUBLE, 1);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      image->SetScalarComponentFromDouble(i, j, 0, 0, std::clamp(grid.values[i][j], low, high));
    }
  }
  return image;
}

}  // namespace

void writeContourMaps(const std::vector<ScalarGrid>& panels, double low, double high, const std::vector<double>& levels,
                      const std::string& path, int panelWidth, int height) {
  writeFigure<ScalarGrid>(panels, path, panelWidth, height, [&](vtkContextView& view, const ScalarGrid& panel) {
    vtkNew<vtkChartHistogram2D> chart;
    view.GetScene()->AddItem(chart);
    decorate(*chart, panel.title, panel.xTitle, panel.yTitle);
    const auto image = gridImage(panel, low, high, true);
    chart->SetInputData(image);
    const double half = (panel.coordinates[1] - panel.coordinates[0]) / 2;
    for (const int side : {vtkAxis::BOTTOM, vtkAxis::LEFT}) {
      chart->GetAxis(side)->SetBehavior(vtkAxis::FIXED);
      chart->GetAxis(side)->SetRange(panel.coordinates.front() - half, panel.coordinates.back() + half);
    }
    chart->SetTransferFunction(viridisLike(low, high));
    if (auto* legend = vtkColorLegend::SafeDownCast(chart->GetLegend())) {
      legend->SetTitle(panel.valueTitle);
    }
    // Iso-lines: contour the grid, join the segments into polylines, one line plot each.
    vtkNew<vtkContourFilter> contour;
    contour->SetInputData(gridImage(panel, low, high, false));
    for (std::size_t l = 0; l < levels.size(); ++l) {
      contour->SetValue(static_cast<int>(l), levels[l]);
    }
    vtkNew<vtkStripper> stripper;
    stripper->SetInputConnection(contour->GetOutputPort());
    stripper->Update();
    vtkPolyData* lines = stripper->GetOutput();
    vtkCellArray* cells = lines->GetLines();
    cells->InitTraversal();
    vtkIdType count = 0;
    const vtkIdType* ids = nullptr;
    while (cells->GetNextCell(count, ids) != 0) {
      vtkNew<vtkTable> table;
      vtkNew<vtkDoubleArray> x, y;
      x->SetName("x");
      y->SetName("y");
      table->AddColumn(x);
      table->AddColumn(y);
      table->SetNumberOfRows(count);
      for (vtkIdType k = 0; k < count; ++k) {
        double point[3];
        lines->GetPoint(ids[k], point);
        table->SetValue(k, 0, point[0]);
        table->SetValue(k, 1, point[1]);
      }
      auto* line = chart->AddPlot(vtkChart::LINE);
      line->SetInputData(table, 0, 1);
      line->SetColor(255, 255, 255, 200);
      line->SetWidth(1.0);
      if (auto* plotLine = vtkPlotLine::SafeDownCast(line)) {
        plotLine->SetMarkerStyle(vtkPlotPoints::NONE);
      }
    }
  });
}

}  // namespace skipseg::programs::study
