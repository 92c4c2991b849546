#pragma once
// Splitting a batch into N disjoint shards (N processes or N Slurm array tasks).
// A case's shard depends only on its id (the first 8 bytes of SHA-256(id), modulo N): tasks that list
// the input at slightly different moments, or in another order, never disagree about an existing case,
// and adding cases never moves the others. The price is that shards are balanced only statistically
// (for n cases, about n/N +- sqrt(n/N)).
#include "skipseg/batch/CaseSpec.h"

#include <string>
#include <vector>

namespace skipseg::batch {

struct Shard {
  int index = 0;  ///< K in 0..N-1
  int count = 1;  ///< N >= 1
  bool isWhole() const { return count == 1; }
  /// "K/N"
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
};

/// Parses "K/N" (0 <= K < N); throws a usage error naming --shard otherwise.
Shard parseShard(const std::string& text);

/// The shard (0..count-1) that owns `caseId`.
int shardOfCase(const std::string& caseId, int count);

/// The cases of `shard`, in their original order.
std::vector<CaseSpec> selectShard(const std::vector<CaseSpec>& cases, const Shard& shard);

}  // namespace skipseg::batch
