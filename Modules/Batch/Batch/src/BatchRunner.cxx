#include "skipseg/batch/BatchRunner.h"

#include "skipseg/batch/Journal.h"
#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/Interrupt.h"
#include "skipseg/core/Logging.h"
#include "skipseg/core/UtcTime.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace fs = std::filesystem;

namespace skipseg::batch {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point begin) {
  return std::chrono::duration<double>(Clock::now() - begin).count();
}

std::string describeFailure(const std::exception& error) {
  if (dynamic_cast<const Error*>(&error) != nullptr) {
    return oneLine(error.what());
  }
  if (dynamic_cast<const std::bad_alloc*>(&error) != nullptr) {
    return "out of memory";
  }
  return "internal error: " + oneLine(error.what());
}

std::string formatDuration(double seconds) {
  const long long whole = static_cast<long long>(seconds + 0.5);
  char text[32];
  if (whole >= 3600) {
    std::snprintf(text, sizeof(text), "%lldh%02lldm", whole / 3600, (whole % 3600) / 60);
  } else if (whole >= 60) {
    std::snprintf(text, sizeof(text), "%lldm%02llds", whole / 60, whole % 60);
  } else {
    std::snprintf(text, sizeof(text), "%llds", whole);
  }
  return text;
}

// Removes the AtomicOutput temporaries a killed run left beside this run's outputs. Only temporaries
// of this run's own outputs go: other shards may be writing theirs into the same folder right now.
std::vector<std::string> removeLeftoverTemporaries(const std::vector<std::string>& outputs) {
  std::map<fs::path, std::set<std::string>> namesByFolder;
  for (const auto& output : outputs) {
    const fs::path path(output);
    namesByFolder[path.parent_path().empty() ? fs::path(".") : path.parent_path()].insert(path.filename().string());
  }
  std::vector<std::string> removed;
  for (const auto& [folder, names] : namesByFolder) {
    std::error_code error;
    for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
      const std::string name = it->path().filename().string();
      if (!isTemporaryOutputName(name)) {
        continue;
      }
      // ".skipseg-tmp-<random>-<target name>"
      const auto dash = name.find('-', std::string(".skipseg-tmp-").size());
      if (dash != std::string::npos && names.count(name.substr(dash + 1)) > 0) {
        std::error_code removeError;
        if (fs::remove(it->path(), removeError)) {
          removed.push_back(it->path().string());
        }
      }
    }
  }
  return removed;
}

// A case read by the prefetch thread, waiting for its worker.
struct LoadedCase {
  std::size_t index = 0;
  std::unique_ptr<PreparedCase> prepared;
  std::string inputFingerprint;
  std::string redoReason;
  std::string loadError;
  double fingerprintSeconds = 0;
  double loadSeconds = 0;
  double processSeconds = 0;
};

class BatchRun {
 public:
  BatchRun(const std::vector<CaseSpec>& cases, const BatchSettings& settings, ProgressReporter& progress)
      : cases_(cases),
        settings_(settings),
        progress_(progress),
        journal_(settings.outputFolder, journalFileName(settings.shard.index, settings.shard.count)) {
    report_.cases.resize(cases.size());
    for (const auto& spec : cases) {
      outputs_.push_back(outputPathOf(spec, settings));
    }
  }

  BatchReport run(const WorkerMaker& makeWorker) {
    const auto begin = Clock::now();
    begin_ = begin;
    report_.removedTemporaries = removeLeftoverTemporaries(outputs_);
    for (const auto& path : report_.removedTemporaries) {
      spdlog::info("removed a partial output left by an interrupted run: {}", path);
    }
    spdlog::info("batch: {} cases, {} job(s), journal {}", cases_.size(), settings_.jobs, journal_.path());
    progress_.start("batch", std::to_string(cases_.size()) + " cases");
    // No more workers than cases, and none at all (no model loading) for an empty shard.
    const int jobs = std::min<int>(std::max(1, settings_.jobs), static_cast<int>(cases_.size()));
    std::vector<std::thread> slots;
    for (int slot = 0; slot < jobs; ++slot) {
      slots.emplace_back([this, &makeWorker] { runSlot(makeWorker); });
    }
    for (auto& thread : slots) {
      thread.join();
    }
    // SIGINT/SIGTERM: the cases in progress were rolled back (their outputs removed, no journal line); the
    // finished ones are in the journal, and a rerun goes on from there.
    throwIfInterrupted();
    progress_.finish();
    if (fatal_) {
      std::rethrow_exception(fatal_);
    }
    report_.totalSeconds = secondsSince(begin);
    return std::move(report_);
  }

 private:
  // One job slot: a worker (the model, loaded once) on this thread, and its prefetch thread.
  void runSlot(const WorkerMaker& makeWorker) {
    std::unique_ptr<CaseWorker> worker;
    try {
      worker = makeWorker();
    } catch (...) {
      stopWith(std::current_exception());
      return;
    }
    std::mutex mutex;
    std::condition_variable changed;
    std::optional<LoadedCase> waiting;
    bool loaderFinished = false;

    std::thread loader([&] {
      while (!stopping()) {
        {
          // Claim the next case only when the previous one was taken: at most two cases per slot in memory.
          std::unique_lock<std::mutex> lock(mutex);
          changed.wait(lock, [&] { return !waiting.has_value() || stopping_; });
        }
        const std::size_t index = next_++;
        if (index >= cases_.size() || stopping()) {
          break;
        }
        std::optional<LoadedCase> loaded = prepare(*worker, index);
        if (!loaded) {
          continue;  // skipped, or failed before loading: already recorded
        }
        std::lock_guard<std::mutex> lock(mutex);
        waiting = std::move(loaded);
        changed.notify_all();
      }
      std::lock_guard<std::mutex> lock(mutex);
      loaderFinished = true;
      changed.notify_all();
    });

    while (true) {
      std::optional<LoadedCase> current;
      {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait(lock, [&] { return waiting.has_value() || loaderFinished; });
        if (!waiting) {
          break;
        }
        current = std::move(waiting);
        waiting.reset();
        changed.notify_all();
      }
      if (!stopping()) {
        compute(*worker, *current);
      }
    }
    loader.join();
  }

  // Fingerprint, journal check and read; runs on the prefetch thread.
  std::optional<LoadedCase> prepare(CaseWorker& worker, std::size_t index) {
    const CaseSpec& spec = cases_[index];
    LoadedCase loaded;
    loaded.index = index;
    auto begin = Clock::now();
    try {
      loaded.inputFingerprint = inputFingerprint(spec, settings_.inputFingerprintMode);
    } catch (const std::exception& error) {
      loaded.fingerprintSeconds = secondsSince(begin);
      finish(loaded, "failed", describeFailure(error), Json::object());
      return std::nullopt;
    }
    loaded.fingerprintSeconds = secondsSince(begin);
    loaded.redoReason = redoReason(journal_.latest(spec.id), loaded.inputFingerprint, settings_.modelFingerprint,
                                   settings_.optionsFingerprint, outputs_[index]);
    if (loaded.redoReason.empty()) {
      recordSkipped(index);
      return std::nullopt;
    }
    begin = Clock::now();
    try {
      loaded.prepared = worker.load(spec);
      if (!loaded.prepared) {
        throw internalError("the worker read nothing");
      }
    } catch (const std::exception& error) {
      loaded.loadError = describeFailure(error);
    }
    loaded.loadSeconds = secondsSince(begin);
    return loaded;
  }

  void compute(CaseWorker& worker, LoadedCase& loaded) {
    if (!loaded.loadError.empty()) {
      finish(loaded, "failed", loaded.loadError, Json::object());
      return;
    }
    const CaseSpec& spec = cases_[loaded.index];
    const std::string& output = outputs_[loaded.index];
    const auto begin = Clock::now();
    Json details = Json::object();
    std::string error;
    try {
      details = worker.process(*loaded.prepared, spec, output);
      std::error_code missing;
      if (!fs::is_regular_file(output, missing)) {
        throw internalError("the worker finished without writing " + output);
      }
    } catch (const std::exception& failure) {
      if (pendingInterrupt() != 0) {
        return;  // interrupted, not failed: the case's outputs were rolled back and it stays to do
      }
      error = describeFailure(failure);
    }
    loaded.prepared.reset();  // free the case before the next one is taken
    loaded.processSeconds = secondsSince(begin);
    finish(loaded, error.empty() ? "done" : "failed", error, details.is_null() ? Json::object() : details);
  }

  void finish(const LoadedCase& loaded, const std::string& status, const std::string& error, const Json& details) {
    if (status == "failed" && pendingInterrupt() != 0) {
      return;  // most likely a consequence of the signal: not recorded, the rerun does the case
    }
    const CaseSpec& spec = cases_[loaded.index];
    const double process = loaded.processSeconds;
    JournalEntry entry;
    entry.caseId = spec.id;
    entry.input = spec.input;
    entry.output = canonicalOutputPath(outputs_[loaded.index]);
    entry.inputFingerprint = loaded.inputFingerprint;
    entry.modelFingerprint = settings_.modelFingerprint;
    entry.optionsFingerprint = settings_.optionsFingerprint;
    entry.status = status;
    entry.error = error;
    std::error_code sizeError;
    if (status == "done") {
      entry.outputSize = static_cast<std::int64_t>(fs::file_size(entry.output, sizeError));
    }
    entry.seconds = {{"fingerprint", loaded.fingerprintSeconds},
                     {"load", loaded.loadSeconds},
                     {"process", process},
                     {"total", loaded.fingerprintSeconds + loaded.loadSeconds + process}};
    entry.details = details;
    entry.finishedAt = utcNow();
    try {
      journal_.append(entry);
    } catch (...) {
      stopWith(std::current_exception());
      return;
    }
    CaseResult result;
    result.caseId = spec.id;
    result.input = spec.input;
    result.output = outputs_[loaded.index];
    result.status = status;
    result.error = error;
    result.redoReason = loaded.redoReason;
    result.seconds = entry.seconds;
    if (status == "done") {
      spdlog::info("case {}: done in {:.2f} s ({}) -> {}", spec.id, entry.seconds["total"].get<double>(),
                   loaded.redoReason, entry.output);
    } else {
      spdlog::warn("case {}: failed: {}", spec.id, error);
    }
    record(loaded.index, std::move(result), status == "failed");
  }

  void recordSkipped(std::size_t index) {
    CaseResult result;
    result.caseId = cases_[index].id;
    result.input = cases_[index].input;
    result.output = outputs_[index];
    result.status = "skipped";
    spdlog::debug("case {}: skipped, done before with the same input, model and options", result.caseId);
    record(index, std::move(result), false);
  }

  void record(std::size_t index, CaseResult result, bool failed) {
    std::lock_guard<std::mutex> lock(reportMutex_);
    const bool skipped = result.status == "skipped";
    report_.cases[index] = std::move(result);
    (failed ? report_.failed : (skipped ? report_.skipped : report_.done))++;
    if (!skipped) {
      ++worked_;
    }
    const int finished = report_.done + report_.skipped + report_.failed;
    const int remaining = static_cast<int>(cases_.size()) - finished;
    std::string status = std::to_string(finished) + "/" + std::to_string(cases_.size()) + " cases, " +
                         std::to_string(report_.failed) + " failed";
    if (worked_ > 0 && remaining > 0) {
      // Wall time per computed case, jobs side by side included; skipped cases take no time and do not count.
      const double perCase = secondsSince(begin_) / worked_;
      status += ", ~" + formatDuration(perCase * remaining) + " left";
    }
    progress_.update(cases_.empty() ? 1.0 : static_cast<double>(finished) / cases_.size(), status);
  }

  bool stopping() const { return stopping_ || pendingInterrupt() != 0; }

  void stopWith(std::exception_ptr error) {
    std::lock_guard<std::mutex> lock(reportMutex_);
    if (!fatal_) {
      fatal_ = error;
    }
    stopping_ = true;
  }

  const std::vector<CaseSpec>& cases_;
  const BatchSettings& settings_;
  ProgressReporter& progress_;
  Journal journal_;
  std::vector<std::string> outputs_;
  BatchReport report_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> stopping_{false};
  std::exception_ptr fatal_;
  std::mutex reportMutex_;
  int worked_ = 0;
  Clock::time_point begin_;
};

}  // namespace

std::string outputPathOf(const CaseSpec& spec, const BatchSettings& settings) {
  if (!spec.output.empty()) {
    return spec.output;
  }
  return (fs::path(settings.outputFolder) / (spec.id + settings.outputExtension)).string();
}

BatchReport runBatch(const std::vector<CaseSpec>& cases, const WorkerMaker& makeWorker, const BatchSettings& settings,
                     ProgressReporter& progress) {
  BatchRun run(cases, settings, progress);
  return run.run(makeWorker);
}

Json BatchReport::toSummary(const Json& runInfo) const {
  Json summary = runInfo.is_object() ? runInfo : Json::object();
  summary["counts"] = {{"total", cases.size()}, {"done", done}, {"skipped", skipped}, {"failed", failed}};
  summary["seconds"] = {{"total", totalSeconds}};
  Json rows = Json::array();
  for (const auto& result : cases) {
    Json row = {{"case_id", result.caseId},
                {"input", result.input},
                {"output", result.output},
                {"status", result.status},
                {"seconds", result.seconds}};
    if (!result.error.empty()) {
      row["error"] = result.error;
    }
    if (!result.redoReason.empty()) {
      row["reason"] = result.redoReason;
    }
    rows.push_back(std::move(row));
  }
  summary["cases"] = std::move(rows);
  return summary;
}

}  // namespace skipseg::batch
