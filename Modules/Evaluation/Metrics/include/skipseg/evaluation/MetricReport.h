#pragma once
// Reports of metrics and label statistics as JSON and CSV.
//
// Non-finite numbers (a distance to a missing structure, an undefined ratio) cannot be JSON numbers:
// they are written as the strings "inf", "-inf" and "nan" in JSON and as inf, -inf, nan in CSV, which
// Python's float(), NumPy and pandas read back as numbers.
//
// Summary rows (mean, median, std per label over cases) leave out NaN values (undefined cases) and keep
// infinite ones (a missed structure is not hidden: its mean distance becomes inf); std is the
// population standard deviation; "count" says how many cases entered each figure.
#include "skipseg/core/JsonFile.h"
#include "skipseg/core/ModelDescription.h"
#include "skipseg/evaluation/LabelStatistics.h"
#include "skipseg/evaluation/SegmentationMetrics.h"

#include <string>
#include <vector>

namespace skipseg::evaluation {

struct CaseMetrics {
  std::string name;       ///< the case name (file name without extension)
  std::string reference;  ///< paths, for the record
  std::string prediction;
  std::vector<LabelMetrics> labels;
};

struct FailedCase {
  std::string name;
  std::string problem;  ///< one line
};

struct MetricReport {
  std::vector<CaseMetrics> cases;
  std::vector<FailedCase> failed;
  MetricOptions options;
  std::vector<LabelInfo> labelTable;  ///< names for the rows; may be empty
};

/// The metric names of a row, in report order ("dice", "iou", ..., "surface_dice").
const std::vector<std::string>& metricNames();
/// The value of metric `name` in `metrics`.
double metricValue(const LabelMetrics& metrics, const std::string& name);

/// A JSON value for a double: the number, or "inf" / "-inf" / "nan".
Json jsonNumber(double value);
/// Text for CSV: shortest round-trip decimal, or inf / -inf / nan.
std::string csvNumber(double value);

struct SummaryFigures {
  double mean = 0, median = 0, std = 0;
  std::size_t count = 0;
};
/// Mean, median and population std of `values`, NaNs left out (all NaN: NaN figures, count 0).
SummaryFigures summarize(const std::vector<double>& values);

OrderedJson metricReportJson(const MetricReport& report);
std::string metricReportCsv(const MetricReport& report);

/// {name: {"label", "voxels", "volume", "intensity" (= mean), "intensity_std", ...}}: the keys of
/// TotalSegmentator's statistics.json ("volume" mm3, "intensity" mean) plus SkipSeg's extra figures.
OrderedJson statisticsJson(const std::vector<LabelStatistics>& statistics, const std::vector<LabelInfo>& labelTable);
std::string statisticsCsv(const std::vector<LabelStatistics>& statistics, const std::vector<LabelInfo>& labelTable);

}  // namespace skipseg::evaluation
