#include "skipseg/evaluation/MetricReport.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace {

using namespace skipseg::evaluation;

LabelMetrics metricsWith(int label, double dice, double hausdorff) {
  LabelMetrics metrics;
  metrics.label = label;
  metrics.dice = dice;
  metrics.hausdorff = hausdorff;
  return metrics;
}

TEST(MetricReport, NonFiniteNumbersAreWrittenAsReadableStrings) {
  EXPECT_EQ(jsonNumber(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(jsonNumber(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(jsonNumber(std::nan("")), "nan");
  EXPECT_EQ(jsonNumber(0.25).get<double>(), 0.25);
  EXPECT_EQ(csvNumber(0.1), "0.1");
  EXPECT_EQ(csvNumber(std::nan("")), "nan");
  EXPECT_EQ(std::strtod(csvNumber(1.0 / 3.0).c_str(), nullptr), 1.0 / 3.0);  // round trip
}

TEST(MetricReport, SummaryLeavesOutUndefinedValuesAndKeepsInfiniteOnes) {
  const auto figures = summarize({1.0, std::nan(""), 3.0});
  EXPECT_EQ(figures.count, 2u);
  EXPECT_DOUBLE_EQ(figures.mean, 2.0);
  EXPECT_DOUBLE_EQ(figures.median, 2.0);
  EXPECT_DOUBLE_EQ(figures.std, 1.0);
  const auto withMiss = summarize({1.0, std::numeric_limits<double>::infinity(), 2.0});
  EXPECT_TRUE(std::isinf(withMiss.mean));
  EXPECT_DOUBLE_EQ(withMiss.median, 2.0);
  EXPECT_TRUE(std::isnan(summarize({std::nan("")}).mean));
}

TEST(MetricReport, JsonAndCsvHoldOneRowPerCaseAndLabelAndSummaryRows) {
  MetricReport report;
  report.labelTable = {{1, "liver, left part", {1, 0, 0}}};
  report.cases.push_back({"case_a", "a_ref.nii.gz", "a_pred.nii.gz", {metricsWith(1, 0.8, 2.0)}});
  report.cases.push_back(
      {"case_b", "b_ref.nii.gz", "b_pred.nii.gz", {metricsWith(1, 0.6, std::numeric_limits<double>::infinity())}});
  report.failed.push_back({"case_c", "no prediction"});
  const auto json = metricReportJson(report);
  ASSERT_EQ(json["cases"].size(), 2u);
  EXPECT_EQ(json["cases"][1]["labels"][0]["hausdorff_mm"], "inf");
  EXPECT_EQ(json["cases"][0]["labels"][0]["name"], "liver, left part");
  EXPECT_DOUBLE_EQ(json["summary"][0]["mean"]["dice"].get<double>(), 0.7);
  EXPECT_DOUBLE_EQ(json["summary"][0]["median"]["dice"].get<double>(), 0.7);
  EXPECT_EQ(json["summary"][0]["count"]["dice"], 2);
  EXPECT_EQ(json["failed_cases"][0]["case"], "case_c");
  EXPECT_EQ(json["conventions"]["both_empty"], "nan");

  const std::string csv = metricReportCsv(report);
  EXPECT_EQ(csv.rfind("row,case,label,name,reference_voxels,prediction_voxels,dice,", 0), 0u);
  EXPECT_NE(csv.find("\ncase,case_a,1,\"liver, left part\",0,0,0.8,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nmean,,1,\"liver, left part\",,,0.7,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",inf,"), std::string::npos);
}

}  // namespace
