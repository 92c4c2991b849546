#include "AblateEvaluation.h"

#include "skipseg/core/Error.h"
#include "skipseg/core/Progress.h"
#include "skipseg/evaluation/MetricReport.h"
#include "skipseg/evaluation/SegmentationMetrics.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/planning/Dataset.h"
#include "skipseg/planning/Plans.h"
#include "skipseg/segmentation/SegmentationPipeline.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>

namespace fs = std::filesystem;

namespace skipseg::programs::study {

Json numberOrNull(double value) {
  return std::isfinite(value) ? Json(value) : Json(nullptr);
}

HeldOutEvaluation evaluateHeldOut(const std::string& modelPath, const Json& plans, const std::string& plansPath,
                                  const std::string& fold, const std::string& predictionsFolder, int threads) {
  const auto dataset = planning::Dataset::fromJson(plans.at("dataset"), plansPath);
  const auto split = planning::foldFromPlans(plans, fold, plansPath);
  segmentation::PipelineOptions options;
  options.inference.device = "cpu";
  options.inference.threads = threads;
  segmentation::SegmentationPipeline pipeline({modelPath}, options);
  fs::create_directories(predictionsFolder);
  std::map<int, std::vector<double>> dice, hd95;
  HeldOutEvaluation result;
  for (const auto& id : split.validation) {
    const auto& datasetCase = dataset.findCase(id);
    segmentation::CaseRequest request;
    request.inputs = datasetCase.imagePaths;
    request.outputLabels = (fs::path(predictionsFolder) / (id + ".nii.gz")).string();
    request.sidecar = "-";
    const auto start = std::chrono::steady_clock::now();
    pipeline.run(request, silentProgress());
    result.inferenceSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto reference = io::readLabelImage(datasetCase.labelPath);
    std::vector<int> labels;
    for (const auto& label : dataset.labels) {
      if (label.id != 0) {
        labels.push_back(label.id);
      }
    }
    for (const auto& metrics : evaluation::compareLabels(*reference, *pipeline.lastLabels(), labels)) {
      dice[metrics.label].push_back(metrics.dice);
      hd95[metrics.label].push_back(metrics.hausdorff95);
    }
    result.cases.push_back(id);
  }
  double diceSum = 0, hdSum = 0;
  int diceCount = 0, hdCount = 0;
  for (const auto& label : dataset.labels) {
    if (label.id == 0) {
      continue;
    }
    // Cases where the label is in neither image give NaN (left out); an empty prediction of a
    // present structure gives an infinite HD95, counted apart.
    std::vector<double> finite;
    int infinite = 0;
    for (const double value : hd95[label.id]) {
      if (std::isinf(value)) {
        ++infinite;
      } else if (!std::isnan(value)) {
        finite.push_back(value);
      }
    }
    const auto diceFigures = evaluation::summarize(dice[label.id]);
    const auto hdFigures = evaluation::summarize(finite);
    result.perLabel[label.name] = {{"id", label.id},
                                   {"dice", numberOrNull(diceFigures.mean)},
                                   {"hd95_mm", numberOrNull(hdFigures.mean)},
                                   {"hd95_infinite_cases", infinite},
                                   {"cases", diceFigures.count}};
    if (diceFigures.count > 0) {
      diceSum += diceFigures.mean;
      ++diceCount;
    }
    if (hdFigures.count > 0) {
      hdSum += hdFigures.mean;
      ++hdCount;
    }
  }
  result.meanDice = diceCount > 0 ? diceSum / diceCount : std::nan("");
  result.meanHd95 = hdCount > 0 ? hdSum / hdCount : std::nan("");
  return result;
}

}  // namespace skipseg::programs::study
