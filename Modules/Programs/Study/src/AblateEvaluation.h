#pragma once
// The held-out evaluation of one ablation variant (ITK side): every held-out case segmented by the
// variant's model through the segmentation pipeline that skipseg-segment runs, then compared with its
// reference labels by skipseg-evaluate's metrics (Dice, HD95).
#include "skipseg/core/JsonFile.h"

#include <string>
#include <vector>

namespace skipseg::programs::study {

struct HeldOutEvaluation {
  Json perLabel = Json::object();  ///< label name -> {"dice": mean over cases, "hd95": mean of finite, ...}
  double meanDice = 0;             ///< over labels
  double meanHd95 = 0;             ///< over labels with a finite mean
  double inferenceSeconds = 0;     ///< segmentation of all held-out cases (model loaded once, not counted)
  std::vector<std::string> cases;
};

/// JSON null where a figure does not exist (no case had the label, or every HD95 was infinite): the
/// table and the chart read numbers or nothing.
Json numberOrNull(double value);

/// `plans`: skipseg-plan's file (its dataset and folds); `fold`: the fold whose validation cases are held
/// out; predictions go to `predictionsFolder`/CASE.nii.gz.
HeldOutEvaluation evaluateHeldOut(const std::string& modelPath, const Json& plans, const std::string& plansPath,
                                  const std::string& fold, const std::string& predictionsFolder, int threads);

}  // namespace skipseg::programs::study
