#pragma once
// Workers for the batch tests: they read the input file's bytes and write "<case id>:<bytes>" through
// AtomicOutput, and can be told to fail on chosen cases. They count what they did, so tests can check
// that the model was loaded once per worker and which cases were read.
#include "skipseg/batch/CaseWorker.h"
#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/Error.h"

#include "BatchTestFiles.h"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace skipseg::batch::test {

struct FakeWorkerLog {
  std::atomic<int> workersCreated{0};
  std::mutex mutex;
  std::vector<std::string> processed;  ///< case ids, in the order process() ran
  std::set<std::string> failOnLoad;
  std::set<std::string> failOnProcess;
  /// Called at the start of process(); tests use it to block, crash or observe.
  std::function<void(const CaseSpec&, const std::string& outputPath)> onProcess;

  std::vector<std::string> processedIds() {
    std::lock_guard<std::mutex> lock(mutex);
    return processed;
  }
};

struct FakePrepared final : PreparedCase {
  std::string bytes;
};

class FakeWorker final : public CaseWorker {
 public:
  explicit FakeWorker(FakeWorkerLog& log) : log_(log) { ++log_.workersCreated; }

  std::unique_ptr<PreparedCase> load(const CaseSpec& spec) override {
    if (log_.failOnLoad.count(spec.id)) {
      throw badInput(spec.input, "not a readable scan");
    }
    auto prepared = std::make_unique<FakePrepared>();
    prepared->bytes = readFile(spec.input);
    return prepared;
  }

  Json process(PreparedCase& prepared, const CaseSpec& spec, const std::string& outputPath) override {
    if (log_.onProcess) {
      log_.onProcess(spec, outputPath);
    }
    {
      std::lock_guard<std::mutex> lock(log_.mutex);
      log_.processed.push_back(spec.id);
    }
    if (log_.failOnProcess.count(spec.id)) {
      throw badInput(spec.input, "the image is empty after cropping");
    }
    writeFileAtomically(outputPath, spec.id + ":" + static_cast<FakePrepared&>(prepared).bytes);
    return Json{{"bytes", static_cast<FakePrepared&>(prepared).bytes.size()}};
  }

 private:
  FakeWorkerLog& log_;
};

}  // namespace skipseg::batch::test
