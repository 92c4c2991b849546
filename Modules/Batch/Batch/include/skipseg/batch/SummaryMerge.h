#pragma once
// Combining the summaries of the shards of one batch (e.g. the tasks of a Slurm job array) into one.
#include "skipseg/core/JsonFile.h"

#include <string>
#include <utility>
#include <vector>

namespace skipseg::batch {

struct MergedSummary {
  Json summary;                            ///< counts and per-case rows of all shards, rows sorted by case id
  std::vector<std::string> duplicates;     ///< case ids listed by more than one shard (or twice in one)
  std::vector<std::string> missingShards;  ///< "K/N" shards of the array with no summary
  bool complete() const { return duplicates.empty() && missingShards.empty(); }
};

/// Merges (source name, summary) pairs. Throws BadInput naming the source when one is not a
/// skipseg-batch summary, or when the summaries disagree on the shard count.
MergedSummary mergeSummaries(const std::vector<std::pair<std::string, Json>>& summaries);

}  // namespace skipseg::batch
