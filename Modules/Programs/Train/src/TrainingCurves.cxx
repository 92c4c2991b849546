#include "TrainingCurves.h"

#include <algorithm>
#include <cmath>

namespace skipseg::programs {
namespace {

constexpr std::size_t kMostClassCurves = 6;  // more would crowd the legend: the mean stands for them

double valueOf(const Json& value) {
  return value.is_number() ? value.get<double>() : std::nan("");  // null: not measured (NaN in the run)
}

}  // namespace

std::vector<render::PlotPanel> trainingCurvePanels(const Json& history, const std::vector<LabelInfo>& labels) {
  render::PlotCurve trainingLoss{"training loss", {}, {{31, 119, 180}}};
  render::PlotCurve validationLoss{"validation loss", {}, {{255, 127, 14}}};
  render::PlotCurve meanDice{"mean pseudo Dice", {}, {{20, 20, 20}}};
  std::vector<render::PlotCurve> dice;
  const std::size_t classes = labels.empty() ? 0 : labels.size() - 1;
  for (std::size_t c = 1; c <= classes && classes <= kMostClassCurves; ++c) {
    dice.push_back({labels[c].name, {}, render::rgbOf(labels[c].color)});
  }
  for (const auto& record : history) {
    trainingLoss.values.push_back(valueOf(record.value("training_loss", Json())));
    validationLoss.values.push_back(valueOf(record.value("validation_loss", Json())));
    meanDice.values.push_back(valueOf(record.value("pseudo_dice", Json())));
    const Json perClass = record.value("dice_per_class", Json::array());
    for (std::size_t c = 0; c < dice.size(); ++c) {
      dice[c].values.push_back(c < perClass.size() ? valueOf(perClass[c]) : std::nan(""));
    }
  }
  dice.push_back(meanDice);
  render::PlotPanel losses{"Loss (Dice + cross-entropy)", "epoch", "loss", {trainingLoss, validationLoss}, 0, 0};
  render::PlotPanel pseudoDice{"Validation pseudo Dice (patches)", "epoch", "Dice", dice, 0, 1};
  const double firstEpoch = history.empty() ? 1.0 : history.front().value("epoch", 1);
  losses.firstX = pseudoDice.firstX = firstEpoch;
  return {losses, pseudoDice};
}

void writeTrainingCurves(const Json& history, const std::vector<LabelInfo>& labels, const std::string& path) {
  render::writeCurvePlot(trainingCurvePanels(history, labels), path);
}

}  // namespace skipseg::programs
