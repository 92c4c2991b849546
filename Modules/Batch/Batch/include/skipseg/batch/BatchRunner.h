#pragma once
// Runs a worker over cases: skips what the journal shows as current, overlaps reading the next case
// with computing the current one, records every case (done or failed, with its one-line error) in the
// journal as it ends, and goes on after failures.
#include "skipseg/batch/CaseSpec.h"
#include "skipseg/batch/CaseWorker.h"
#include "skipseg/batch/Fingerprint.h"
#include "skipseg/batch/Shard.h"
#include "skipseg/core/JsonFile.h"
#include "skipseg/core/Progress.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace skipseg::batch {

struct BatchSettings {
  std::string outputFolder;     ///< journal, summary and (by default) outputs go here
  std::string outputExtension;  ///< default output: <outputFolder>/<case id><outputExtension>
  Shard shard;                  ///< names the journal file; the cases given are already this shard's
  int jobs = 1;                 ///< workers running at once, each with its own prefetch thread
  InputFingerprintMode inputFingerprintMode = InputFingerprintMode::Metadata;
  std::string modelFingerprint;    ///< modelFingerprint() of the model, taken once
  std::string optionsFingerprint;  ///< optionsFingerprint() of what changes results
};

struct CaseResult {
  std::string caseId;
  std::string input;
  std::string output;
  std::string status;      ///< "done", "skipped" or "failed"
  std::string error;       ///< failed: the one-line error
  std::string redoReason;  ///< done/failed: why it was (re)done ("not done before", "model changed", ...)
  Json seconds = Json::object();
};

struct BatchReport {
  std::vector<CaseResult> cases;  ///< in the order of the cases given
  int done = 0;
  int skipped = 0;
  int failed = 0;
  double totalSeconds = 0;
  std::vector<std::string> removedTemporaries;  ///< leftovers of a killed run, removed before starting

  /// {"counts": {...}, "seconds": {"total": ..}, "cases": [...]} plus the keys of `runInfo`.
  Json toSummary(const Json& runInfo) const;
};

using WorkerMaker = std::function<std::unique_ptr<CaseWorker>()>;

/// Where a case's result goes: spec.output, or <outputFolder>/<id><outputExtension>.
std::string outputPathOf(const CaseSpec& spec, const BatchSettings& settings);

/// Runs the batch. Worker creation (model loading) failing, or the journal becoming unwritable, stops the
/// run with that error; everything a single case can do wrong is recorded and the run goes on.
BatchReport runBatch(const std::vector<CaseSpec>& cases, const WorkerMaker& makeWorker, const BatchSettings& settings,
                     ProgressReporter& progress);

}  // namespace skipseg::batch
