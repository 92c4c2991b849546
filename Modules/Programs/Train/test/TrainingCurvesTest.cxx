// training_curves.png from a real history: the 25 epochs of the shipped demonstration model.
#include "../src/TrainingCurves.h"

#include "skipseg/core/JsonFile.h"
#include "skipseg/testing/TestData.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace {

using namespace skipseg;

const std::vector<LabelInfo> brainLabels{{0, "background", {0, 0, 0}},
                                         {1, "left_cerebrum", {0.9, 0.1, 0.1}},
                                         {2, "right_cerebrum", {0.1, 0.7, 0.2}},
                                         {3, "cerebellum", {0.15, 0.35, 0.9}}};

TEST(TrainingCurves, NameTheLossesAndEachClassAndTitleTheAxes) {
  const Json history = readJsonFile(skipseg::testing::sourcePath("Data/Models/brain-demo.history.json")).at("history");
  const auto panels = programs::trainingCurvePanels(history, brainLabels);
  ASSERT_EQ(panels.size(), 2u);
  EXPECT_EQ(panels[0].xTitle, "epoch");
  EXPECT_EQ(panels[0].yTitle, "loss");
  EXPECT_EQ(panels[1].yTitle, "Dice");
  ASSERT_EQ(panels[1].curves.size(), 4u);
  EXPECT_EQ(panels[1].curves[0].name, "left_cerebrum");
  EXPECT_EQ(panels[1].curves[2].name, "cerebellum");
  EXPECT_EQ(panels[1].curves[2].colour, (render::Rgb{{38, 89, 230}}));
  EXPECT_EQ(panels[1].curves[3].name, "mean pseudo Dice");
  ASSERT_EQ(panels[1].curves[3].values.size(), 25u);
  EXPECT_DOUBLE_EQ(panels[1].curves[3].values[0], history[0].at("pseudo_dice").get<double>());
  EXPECT_DOUBLE_EQ(panels[1].curves[0].values[24], history[24].at("dice_per_class")[0].get<double>());

  const auto plot = render::drawCurvePlot(panels);
  ASSERT_EQ(plot.panels[1].legendTexts.size(), 4u);
  // Where SKIPSEG_KEEP_PICTURES names a folder, the picture is kept there to be looked at.
  if (const char* keep = std::getenv("SKIPSEG_KEEP_PICTURES")) {
    render::writePng(plot.picture, std::string(keep) + "/training_curves.png");
  }
}

TEST(TrainingCurves, ManyClassesAreSummedUpByTheMean) {
  std::vector<LabelInfo> many{{0, "background", {0, 0, 0}}};
  for (int id = 1; id <= 10; ++id) {
    many.push_back({id, "organ_" + std::to_string(id), defaultLabelColor(id)});
  }
  const auto panels = programs::trainingCurvePanels(Json::array(), many);
  ASSERT_EQ(panels[1].curves.size(), 1u);
  EXPECT_EQ(panels[1].curves[0].name, "mean pseudo Dice");
}

}  // namespace
