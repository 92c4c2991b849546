#include "skipseg/batch/SummaryMerge.h"

#include "skipseg/core/Error.h"

#include <gtest/gtest.h>

namespace skipseg::batch {
namespace {

Json shardSummary(int index, int count, const std::vector<std::pair<std::string, std::string>>& rows, double seconds) {
  Json cases = Json::array();
  for (const auto& [id, status] : rows) {
    cases.push_back({{"case_id", id}, {"status", status}});
  }
  return {{"program", "skipseg-batch"},
          {"model_fingerprint", "sha256:m"},
          {"shard", {{"index", index}, {"count", count}}},
          {"counts", {{"total", rows.size()}}},
          {"seconds", {{"total", seconds}}},
          {"cases", cases}};
}

TEST(SummaryMerge, CombinesCountsAndRowsOfAllShards) {
  const MergedSummary merged =
      mergeSummaries({{"s1.json", shardSummary(1, 2, {{"b", "done"}, {"d", "failed"}}, 3.0)},
                      {"s0.json", shardSummary(0, 2, {{"c", "skipped"}, {"a", "done"}}, 5.0)}});
  EXPECT_TRUE(merged.complete());
  const Json& summary = merged.summary;
  EXPECT_EQ(summary["counts"], Json({{"total", 4}, {"done", 2}, {"skipped", 1}, {"failed", 1}}));
  ASSERT_EQ(summary["cases"].size(), 4u);
  EXPECT_EQ(summary["cases"][0]["case_id"], "a");
  EXPECT_EQ(summary["cases"][0]["summary"], "s0.json");
  EXPECT_EQ(summary["cases"][3]["case_id"], "d");
  EXPECT_EQ(summary["seconds"]["longest_shard"], 5.0);
  EXPECT_EQ(summary["seconds"]["sum_of_shards"], 8.0);
  EXPECT_EQ(summary["model_fingerprint"], "sha256:m");
}

TEST(SummaryMerge, ReportsCasesListedTwiceAndShardsMissing) {
  const MergedSummary merged = mergeSummaries({{"s0.json", shardSummary(0, 3, {{"a", "done"}, {"b", "done"}}, 1)},
                                               {"again.json", shardSummary(0, 3, {{"b", "done"}}, 1)}});
  EXPECT_FALSE(merged.complete());
  EXPECT_EQ(merged.duplicates, (std::vector<std::string>{"b"}));
  EXPECT_EQ(merged.missingShards, (std::vector<std::string>{"1/3", "2/3"}));
  EXPECT_EQ(merged.summary["duplicates"][0]["summaries"], Json({"s0.json", "again.json"}));
}

TEST(SummaryMerge, RejectsWhatIsNotASummaryAndSummariesOfDifferentArrays) {
  try {
    mergeSummaries({{"x.json", Json{{"hello", 1}}}});
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()), "x.json: not a skipseg-batch summary (no \"cases\" and \"counts\")");
  }
  try {
    mergeSummaries({{"a.json", shardSummary(0, 2, {}, 1)}, {"b.json", shardSummary(1, 3, {}, 1)}});
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::BadInput);
    EXPECT_NE(std::string(error.what()).find("b.json: a shard of 3 while a.json is a shard of 2"), std::string::npos);
  }
}

}  // namespace
}  // namespace skipseg::batch
