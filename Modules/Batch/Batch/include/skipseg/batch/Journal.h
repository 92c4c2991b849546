#pragma once
// The batch journal: one JSON line per finished case in the output folder, appended and fsync'ed as
// each case ends, so that a run killed at case 812 keeps the record of the first 811. Each shard writes
// its own file (appends to one file from several machines are not atomic on NFS); a run reads them all.
#include "skipseg/core/JsonFile.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace skipseg::batch {

struct JournalEntry {
  std::string caseId;
  std::string input;
  std::string output;
  std::string inputFingerprint;
  std::string modelFingerprint;
  std::string optionsFingerprint;
  std::string status;  ///< "done" or "failed"
  std::string error;   ///< the one-line error of a failed case
  std::int64_t outputSize = -1;
  Json seconds = Json::object();  ///< {"load": .., "process": .., "total": ..}
  Json details = Json::object();  ///< what the worker returned
  std::string finishedAt;         ///< UTC, ISO 8601 with microseconds (orders entries across files)

  Json toJson() const;
  /// Throws when a required key is missing (the reader skips such lines).
  static JournalEntry fromJson(const Json& json);
};

/// "skipseg-journal.jsonl", or "skipseg-journal.shard-K-of-N.jsonl" for a shard.
std::string journalFileName(int shardIndex, int shardCount);

class Journal {
 public:
  /// Reads every skipseg-journal*.jsonl in `folder` (lines that do not parse are skipped with a warning),
  /// then opens `fileName` there for appending. Throws OutputFailed when it cannot.
  Journal(const std::string& folder, const std::string& fileName);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  /// The latest entry for the case, or nullptr.
  const JournalEntry* latest(const std::string& caseId) const;
  /// Appends one line and fsyncs it; safe from several threads.
  void append(const JournalEntry& entry);
  const std::string& path() const { return path_; }

 private:
  void remember(const JournalEntry& entry);

  std::string path_;
  int descriptor_ = -1;
  std::map<std::string, JournalEntry> latest_;
  mutable std::mutex mutex_;
};

/// The absolute path of an output with ".", "..", repeated slashes and symbolic links resolved (as far as
/// the path exists): the journal records outputs so, and compares them so.
std::string canonicalOutputPath(const std::string& path);

/// Why a case must be (re)done, or an empty string when its journal entry is current: done with the
/// same fingerprints and the same output file (compared as canonical paths), and that output still exists
/// with the recorded size.
std::string redoReason(const JournalEntry* entry, const std::string& inputFingerprint,
                       const std::string& modelFingerprint, const std::string& optionsFingerprint,
                       const std::string& output);

}  // namespace skipseg::batch
