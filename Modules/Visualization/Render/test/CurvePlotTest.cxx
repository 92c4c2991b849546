#include "skipseg/render/CurvePlot.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPNGReader.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

namespace {

using namespace skipseg::render;

constexpr Rgb kWhite{{255, 255, 255}};

int inkIn(const RgbPicture& picture, const PixelBox& box) {
  int ink = 0;
  for (int y = std::max(0, box.y); y < std::min(picture.height, box.bottom()); ++y) {
    for (int x = std::max(0, box.x); x < std::min(picture.width, box.right()); ++x) {
      ink += picture.at(x, y) != kWhite ? 1 : 0;
    }
  }
  return ink;
}

PlotPanel lossPanel(const std::string& xTitle, const std::string& yTitle) {
  PlotCurve falling{"training loss", {}, {{31, 119, 180}}};
  PlotCurve flat{"validation loss", {}, {{255, 127, 14}}};
  for (int epoch = 0; epoch < 25; ++epoch) {
    falling.values.push_back(1.8 * std::exp(-epoch / 8.0));
    flat.values.push_back(epoch == 3 ? std::nan("") : 0.9);
  }
  return {"Loss", xTitle, yTitle, {falling, flat}, 0, 0};
}

TEST(CurvePlot, AxesCarryTitlesAndNumbersAndTheLegendNamesEachCurve) {
  const CurvePlot plot = drawCurvePlot({lossPanel("epoch", "loss")}, 480, 360);
  ASSERT_EQ(plot.panels.size(), 1u);
  const PlotPanelLayout& panel = plot.panels[0];
  EXPECT_GT(inkIn(plot.picture, panel.title), 20);
  EXPECT_GT(inkIn(plot.picture, panel.xTitle), 20);
  EXPECT_GT(inkIn(plot.picture, panel.yTitle), 10);
  // The x title under the plot, the y title above its left edge.
  EXPECT_GE(panel.xTitle.y, panel.plot.bottom());
  EXPECT_LE(panel.yTitle.bottom(), panel.plot.y);
  // Numbered ticks on both axes: at least 3 each, every one drawn, left of / under the plot.
  ASSERT_GE(panel.yTickLabels.size(), 3u);
  ASSERT_GE(panel.xTickLabels.size(), 3u);
  for (const auto& box : panel.yTickLabels) {
    EXPECT_GT(inkIn(plot.picture, box), 3);
    EXPECT_LE(box.right(), panel.plot.x);
  }
  for (const auto& box : panel.xTickLabels) {
    EXPECT_GT(inkIn(plot.picture, box), 3);
    EXPECT_GE(box.y, panel.plot.bottom());
  }
  // The legend: one line per curve in the curve's colour, its name beside it.
  ASSERT_EQ(panel.legendLines.size(), 2u);
  EXPECT_EQ(plot.picture.at(panel.legendLines[0].x + 2, panel.legendLines[0].y + 1), (Rgb{{31, 119, 180}}));
  EXPECT_EQ(plot.picture.at(panel.legendLines[1].x + 2, panel.legendLines[1].y + 1), (Rgb{{255, 127, 14}}));
  for (const auto& box : panel.legendTexts) {
    EXPECT_GT(inkIn(plot.picture, box), 20);
  }
}

TEST(CurvePlot, EmptyTitlesLeaveTheirPlacesBlank) {
  // The counterpart of the test above: what it measures is the text, not something always there.
  const CurvePlot plot = drawCurvePlot({lossPanel("", "")}, 480, 360);
  EXPECT_EQ(plot.panels[0].xTitle.width, 0);
  EXPECT_EQ(plot.panels[0].yTitle.width, 0);
  const CurvePlot titled = drawCurvePlot({lossPanel("epoch", "loss")}, 480, 360);
  EXPECT_EQ(inkIn(plot.picture, titled.panels[0].xTitle), 0);
  EXPECT_EQ(inkIn(plot.picture, titled.panels[0].yTitle), 0);
}

TEST(CurvePlot, TicksAreRoundAndCoverTheRange) {
  EXPECT_EQ(roundTicks(0, 1), (std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1}));
  EXPECT_EQ(roundTicks(1, 25, 6), (std::vector<double>{0, 5, 10, 15, 20, 25}));
  const auto ticks = roundTicks(0.137, 1.83);
  EXPECT_LE(ticks.front(), 0.137);
  EXPECT_GE(ticks.back(), 1.83);
  EXPECT_DOUBLE_EQ(ticks[1] - ticks[0], 0.5);
}

TEST(CurvePlot, WritesAPngAtomically) {
  skipseg::testing::TemporaryDirectory folder;
  writeCurvePlot({lossPanel("epoch", "loss"), lossPanel("epoch", "Dice")}, folder.file("curves.png"), 300, 200);
  vtkNew<vtkPNGReader> reader;
  reader->SetFileName(folder.file("curves.png").c_str());
  reader->Update();
  int size[3];
  reader->GetOutput()->GetDimensions(size);
  EXPECT_EQ(size[0], 600);
  EXPECT_EQ(size[1], 200);
  EXPECT_EQ(folder.listing(), "curves.png");  // no temporary left beside it
}

}  // namespace
