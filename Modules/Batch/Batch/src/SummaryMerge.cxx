#include "skipseg/batch/SummaryMerge.h"

#include "skipseg/core/Error.h"

#include <algorithm>
#include <map>
#include <set>

namespace skipseg::batch {

MergedSummary mergeSummaries(const std::vector<std::pair<std::string, Json>>& summaries) {
  if (summaries.empty()) {
    throw usageError("--merge needs at least one summary file");
  }
  MergedSummary merged;
  Json rows = Json::array();
  std::map<std::string, std::vector<std::string>> sourcesById;
  std::set<int> shardsSeen;
  int shardCount = -1;
  std::string shardCountSource;
  double longest = 0;
  double sum = 0;
  Json sources = Json::array();
  for (const auto& [source, summary] : summaries) {
    if (!summary.is_object() || !summary.contains("cases") || !summary["cases"].is_array() ||
        !summary.contains("counts")) {
      throw badInput(source, "not a skipseg-batch summary (no \"cases\" and \"counts\")");
    }
    const Json shard = summary.value("shard", Json{{"index", 0}, {"count", 1}});
    const int count = shard.value("count", 1);
    if (shardCount >= 0 && count != shardCount) {
      throw badInput(source, "a shard of " + std::to_string(count) + " while " + shardCountSource + " is a shard of " +
                                 std::to_string(shardCount) + ": summaries of different runs");
    }
    shardCount = count;
    shardCountSource = source;
    shardsSeen.insert(shard.value("index", 0));
    const double seconds = summary.value("seconds", Json::object()).value("total", 0.0);
    longest = std::max(longest, seconds);
    sum += seconds;
    sources.push_back(source);
    for (const auto& row : summary["cases"]) {
      const std::string id = row.value("case_id", "");
      sourcesById[id].push_back(source);
      Json copy = row;
      copy["summary"] = source;
      rows.push_back(std::move(copy));
    }
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Json& a, const Json& b) { return a.value("case_id", "") < b.value("case_id", ""); });
  int done = 0;
  int skipped = 0;
  int failed = 0;
  for (const auto& row : rows) {
    const std::string status = row.value("status", "");
    done += status == "done";
    skipped += status == "skipped";
    failed += status == "failed";
  }
  Json duplicates = Json::array();
  for (const auto& [id, where] : sourcesById) {
    if (where.size() > 1) {
      merged.duplicates.push_back(id);
      duplicates.push_back({{"case_id", id}, {"summaries", where}});
    }
  }
  for (int index = 0; index < shardCount; ++index) {
    if (shardsSeen.count(index) == 0) {
      merged.missingShards.push_back(std::to_string(index) + "/" + std::to_string(shardCount));
    }
  }
  const Json& first = summaries.front().second;
  merged.summary = Json::object();
  // Every shard of a PACS export lists the same series and reasons (the selection precedes the sharding).
  for (const char* key : {"program", "worker", "model", "model_fingerprint", "options_fingerprint", "dicom_export"}) {
    if (first.contains(key)) {
      merged.summary[key] = first[key];
    }
  }
  merged.summary["merged_from"] = sources;
  merged.summary["shard_count"] = shardCount;
  merged.summary["missing_shards"] = merged.missingShards;
  merged.summary["duplicates"] = duplicates;
  merged.summary["counts"] = {{"total", rows.size()}, {"done", done}, {"skipped", skipped}, {"failed", failed}};
  // Shards run side by side: the longest is the wall time, the sum the machine time.
  merged.summary["seconds"] = {{"longest_shard", longest}, {"sum_of_shards", sum}};
  merged.summary["cases"] = std::move(rows);
  return merged;
}

}  // namespace skipseg::batch
