#include "skipseg/batch/Shard.h"

#include "skipseg/batch/Sha256.h"
#include "skipseg/core/Error.h"

#include <cstdint>
#include <cstdlib>

namespace skipseg::batch {

Shard parseShard(const std::string& text) {
  const auto slash = text.find('/');
  auto parsePart = [&](const std::string& part, long& value) {
    char* end = nullptr;
    value = std::strtol(part.c_str(), &end, 10);
    return !part.empty() && end == part.c_str() + part.size();
  };
  long index = 0;
  long count = 0;
  if (slash == std::string::npos || !parsePart(text.substr(0, slash), index) ||
      !parsePart(text.substr(slash + 1), count) || count < 1 || count > 100000 || index < 0 || index >= count) {
    throw usageError("--shard expects K/N with 0 <= K < N (e.g. 0/4), not \"" + text + "\"");
  }
  return Shard{static_cast<int>(index), static_cast<int>(count)};
}

int shardOfCase(const std::string& caseId, int count) {
  const std::string digest = sha256Hex(caseId);
  const std::uint64_t value = std::stoull(digest.substr(0, 16), nullptr, 16);
  return static_cast<int>(value % static_cast<std::uint64_t>(count));
}

std::vector<CaseSpec> selectShard(const std::vector<CaseSpec>& cases, const Shard& shard) {
  std::vector<CaseSpec> selected;
  for (const auto& spec : cases) {
    if (shard.isWhole() || shardOfCase(spec.id, shard.count) == shard.index) {
      selected.push_back(spec);
    }
  }
  return selected;
}

}  // namespace skipseg::batch
