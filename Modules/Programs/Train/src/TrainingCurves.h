#pragma once
// training_curves.png from the history skipseg-train writes (training_history.json's "history" array):
// left the training and validation loss, right the validation pseudo Dice, mean and per class (named, in
// the labels' colours) while there are few enough classes for a readable legend. No Torch and no ITK
// header here: TrainProgram.cxx (Torch) includes it.
#include "skipseg/core/JsonFile.h"
#include "skipseg/core/ModelDescription.h"
#include "skipseg/render/CurvePlot.h"

#include <string>
#include <vector>

namespace skipseg::programs {

/// The two panels; `labels` are the dataset's, background first.
std::vector<render::PlotPanel> trainingCurvePanels(const Json& history, const std::vector<LabelInfo>& labels);

/// Draws the panels and writes them to `path` atomically.
void writeTrainingCurves(const Json& history, const std::vector<LabelInfo>& labels, const std::string& path);

}  // namespace skipseg::programs
