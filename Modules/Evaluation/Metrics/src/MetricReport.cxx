#include "skipseg/evaluation/MetricReport.h"

#include "skipseg/core/Version.h"
#include "skipseg/evaluation/LabelTable.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>

namespace skipseg::evaluation {
namespace {

// CSV fields are quoted when they hold a separator, a quote or a line break.
std::string csvField(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) {
    return text;
  }
  std::string quoted = "\"";
  for (const char c : text) {
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  }
  return quoted + "\"";
}

const char* bothEmptyName(BothEmpty value) {
  return value == BothEmpty::Perfect ? "perfect" : "nan";
}
const char* oneEmptyName(OneEmptyDistance value) {
  return value == OneEmptyDistance::Infinite ? "inf" : "nan";
}

}  // namespace

const std::vector<std::string>& metricNames() {
  static const std::vector<std::string> names{"dice",
                                              "iou",
                                              "precision",
                                              "recall",
                                              "reference_volume_mm3",
                                              "prediction_volume_mm3",
                                              "volume_difference_mm3",
                                              "hausdorff95_mm",
                                              "hausdorff_mm",
                                              "assd_mm",
                                              "surface_dice"};
  return names;
}

double metricValue(const LabelMetrics& metrics, const std::string& name) {
  if (name == "dice")
    return metrics.dice;
  if (name == "iou")
    return metrics.iou;
  if (name == "precision")
    return metrics.precision;
  if (name == "recall")
    return metrics.recall;
  if (name == "reference_volume_mm3")
    return metrics.referenceVolume;
  if (name == "prediction_volume_mm3")
    return metrics.predictionVolume;
  if (name == "volume_difference_mm3")
    return metrics.volumeDifference;
  if (name == "hausdorff95_mm")
    return metrics.hausdorff95;
  if (name == "hausdorff_mm")
    return metrics.hausdorff;
  if (name == "assd_mm")
    return metrics.assd;
  if (name == "surface_dice")
    return metrics.surfaceDice;
  throw std::invalid_argument("unknown metric " + name);
}

Json jsonNumber(double value) {
  if (std::isnan(value)) {
    return "nan";
  }
  if (std::isinf(value)) {
    return value > 0 ? "inf" : "-inf";
  }
  return value;
}

std::string csvNumber(double value) {
  if (std::isnan(value)) {
    return "nan";
  }
  if (std::isinf(value)) {
    return value > 0 ? "inf" : "-inf";
  }
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", value);
  // Shorter text when it reads back to the same double (readable files, exact values).
  for (int digits = 6; digits < 17; ++digits) {
    char shorter[64];
    std::snprintf(shorter, sizeof shorter, "%.*g", digits, value);
    if (std::strtod(shorter, nullptr) == value) {
      return shorter;
    }
  }
  return text;
}

SummaryFigures summarize(const std::vector<double>& values) {
  std::vector<double> kept;
  for (const double value : values) {
    if (!std::isnan(value)) {
      kept.push_back(value);
    }
  }
  SummaryFigures figures;
  figures.count = kept.size();
  if (kept.empty()) {
    figures.mean = figures.median = figures.std = std::numeric_limits<double>::quiet_NaN();
    return figures;
  }
  double sum = 0;
  for (const double value : kept) {
    sum += value;
  }
  figures.mean = sum / static_cast<double>(kept.size());
  double squares = 0;
  for (const double value : kept) {
    squares += (value - figures.mean) * (value - figures.mean);
  }
  // inf - inf is NaN: the spread of values that include infinity is undefined.
  figures.std = std::sqrt(squares / static_cast<double>(kept.size()));
  std::sort(kept.begin(), kept.end());
  const std::size_t middle = kept.size() / 2;
  figures.median = kept.size() % 2 == 1 ? kept[middle] : (kept[middle - 1] + kept[middle]) / 2.0;
  return figures;
}

namespace {

// Values of each metric per label, across cases, in label order.
std::map<int, std::map<std::string, std::vector<double>>> valuesByLabel(const MetricReport& report) {
  std::map<int, std::map<std::string, std::vector<double>>> byLabel;
  for (const auto& oneCase : report.cases) {
    for (const auto& metrics : oneCase.labels) {
      for (const auto& name : metricNames()) {
        byLabel[metrics.label][name].push_back(metricValue(metrics, name));
      }
    }
  }
  return byLabel;
}

}  // namespace

OrderedJson metricReportJson(const MetricReport& report) {
  OrderedJson json;
  json["skipseg_version"] = version();
  json["conventions"] = {
      {"background", "label 0 is not evaluated"},
      {"both_empty", bothEmptyName(report.options.bothEmpty)},
      {"one_side_empty_distance", oneEmptyName(report.options.oneEmptyDistance)},
      {"surface_tolerance_mm", report.options.surfaceTolerance},
      {"surface", "boundary voxels (6-neighbourhood), Euclidean distances between voxel centres in mm"},
      {"hausdorff95", "larger of the two directed 95th percentiles"},
      {"non_finite_numbers", "strings \"inf\", \"-inf\", \"nan\""}};
  OrderedJson cases = OrderedJson::array();
  for (const auto& oneCase : report.cases) {
    OrderedJson caseJson;
    caseJson["case"] = oneCase.name;
    caseJson["reference"] = oneCase.reference;
    caseJson["prediction"] = oneCase.prediction;
    OrderedJson labels = OrderedJson::array();
    for (const auto& metrics : oneCase.labels) {
      OrderedJson row;
      row["label"] = metrics.label;
      row["name"] = labelName(report.labelTable, metrics.label);
      row["reference_voxels"] = metrics.referenceVoxels;
      row["prediction_voxels"] = metrics.predictionVoxels;
      for (const auto& name : metricNames()) {
        row[name] = jsonNumber(metricValue(metrics, name));
      }
      labels.push_back(row);
    }
    caseJson["labels"] = labels;
    cases.push_back(caseJson);
  }
  json["cases"] = cases;
  OrderedJson summary = OrderedJson::array();
  for (const auto& [label, metrics] : valuesByLabel(report)) {
    OrderedJson row;
    row["label"] = label;
    row["name"] = labelName(report.labelTable, label);
    for (const char* statistic : {"mean", "median", "std", "count"}) {
      OrderedJson figures;
      for (const auto& name : metricNames()) {
        const SummaryFigures summaryFigures = summarize(metrics.at(name));
        const std::string which = statistic;
        if (which == "count") {
          figures[name] = summaryFigures.count;
        } else {
          figures[name] = jsonNumber(which == "mean"     ? summaryFigures.mean
                                     : which == "median" ? summaryFigures.median
                                                         : summaryFigures.std);
        }
      }
      row[statistic] = figures;
    }
    summary.push_back(row);
  }
  json["summary"] = summary;
  OrderedJson failed = OrderedJson::array();
  for (const auto& failure : report.failed) {
    failed.push_back({{"case", failure.name}, {"problem", failure.problem}});
  }
  json["failed_cases"] = failed;
  return json;
}

std::string metricReportCsv(const MetricReport& report) {
  std::ostringstream csv;
  csv << "row,case,label,name,reference_voxels,prediction_voxels";
  for (const auto& name : metricNames()) {
    csv << "," << name;
  }
  csv << "\n";
  for (const auto& oneCase : report.cases) {
    for (const auto& metrics : oneCase.labels) {
      csv << "case," << csvField(oneCase.name) << "," << metrics.label << ","
          << csvField(labelName(report.labelTable, metrics.label)) << "," << metrics.referenceVoxels << ","
          << metrics.predictionVoxels;
      for (const auto& name : metricNames()) {
        csv << "," << csvNumber(metricValue(metrics, name));
      }
      csv << "\n";
    }
  }
  for (const auto& [label, metrics] : valuesByLabel(report)) {
    for (const std::string statistic : {"mean", "median", "std"}) {
      csv << statistic << ",," << label << "," << csvField(labelName(report.labelTable, label)) << ",,";
      for (const auto& name : metricNames()) {
        const SummaryFigures figures = summarize(metrics.at(name));
        csv << ","
            << csvNumber(statistic == "mean"     ? figures.mean
                         : statistic == "median" ? figures.median
                                                 : figures.std);
      }
      csv << "\n";
    }
  }
  return csv.str();
}

OrderedJson statisticsJson(const std::vector<LabelStatistics>& statistics, const std::vector<LabelInfo>& labelTable) {
  OrderedJson json = OrderedJson::object();
  for (const auto& label : statistics) {
    OrderedJson entry;
    entry["label"] = label.label;
    entry["voxels"] = label.voxels;
    entry["volume"] = label.volume;
    entry["intensity"] = label.mean;
    entry["intensity_std"] = label.std;
    entry["intensity_min"] = label.minimum;
    entry["intensity_p5"] = label.p5;
    entry["intensity_p25"] = label.p25;
    entry["intensity_median"] = label.median;
    entry["intensity_p75"] = label.p75;
    entry["intensity_p95"] = label.p95;
    entry["intensity_max"] = label.maximum;
    json[labelName(labelTable, label.label)] = entry;
  }
  return json;
}

std::string statisticsCsv(const std::vector<LabelStatistics>& statistics, const std::vector<LabelInfo>& labelTable) {
  std::ostringstream csv;
  csv << "label,name,voxels,volume_mm3,intensity_mean,intensity_std,intensity_min,intensity_p5,intensity_p25,"
         "intensity_median,intensity_p75,intensity_p95,intensity_max\n";
  for (const auto& label : statistics) {
    csv << label.label << "," << csvField(labelName(labelTable, label.label)) << "," << label.voxels;
    for (const double value : {label.volume, label.mean, label.std, label.minimum, label.p5, label.p25, label.median,
                               label.p75, label.p95, label.maximum}) {
      csv << "," << csvNumber(value);
    }
    csv << "\n";
  }
  return csv.str();
}

}  // namespace skipseg::evaluation
