#include "skipseg/batch/BatchRunner.h"

#include "FakeWorkers.h"
#include "skipseg/batch/Journal.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace fs = std::filesystem;

namespace skipseg::batch {
namespace {

using test::FakeWorker;
using test::FakeWorkerLog;
using test::readFile;
using test::writeFile;
using testing::TemporaryDirectory;

// A dataset of `count` one-file cases c00, c01, ... and the settings to run it into <dir>/out.
struct Dataset {
  TemporaryDirectory dir;
  std::vector<CaseSpec> cases;
  BatchSettings settings;

  explicit Dataset(int count) {
    for (int i = 0; i < count; ++i) {
      const std::string id = std::string("c") + (i < 10 ? "0" : "") + std::to_string(i);
      writeFile(dir.file("in/" + id + ".nii"), "scan " + id);
      cases.push_back(CaseSpec{id, dir.file("in/" + id + ".nii"), ""});
    }
    settings.outputFolder = dir.file("out");
    settings.outputExtension = ".txt";
    settings.modelFingerprint = "sha256:model-a";
    settings.optionsFingerprint = "sha256:options-a";
  }

  BatchReport run(FakeWorkerLog& log) {
    return runBatch(
        cases, [&] { return std::make_unique<FakeWorker>(log); }, settings, silentProgress());
  }
  std::string output(const std::string& id) const { return dir.file("out/" + id + ".txt"); }
};

std::map<std::string, std::string> statusById(const BatchReport& report) {
  std::map<std::string, std::string> statuses;
  for (const auto& result : report.cases) {
    statuses[result.caseId] = result.status;
  }
  return statuses;
}

std::vector<std::string> sorted(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  return items;
}

TEST(BatchRunner, RunsEveryCaseThenARerunSkipsThemAll) {
  Dataset data(5);
  FakeWorkerLog first;
  const BatchReport report = data.run(first);
  EXPECT_EQ(report.done, 5);
  EXPECT_EQ(report.failed, 0);
  EXPECT_EQ(readFile(data.output("c03")), "c03:scan c03");
  EXPECT_EQ(report.cases[3].redoReason, "not done before");

  FakeWorkerLog second;
  const BatchReport rerun = data.run(second);
  EXPECT_EQ(rerun.skipped, 5);
  EXPECT_EQ(rerun.done, 0);
  EXPECT_TRUE(second.processedIds().empty());
}

TEST(BatchRunner, ARerunRedoesExactlyTheCasesWhoseInputChangedOrOutputIsMissing) {
  Dataset data(5);
  FakeWorkerLog first;
  data.run(first);

  writeFile(data.dir.file("in/c01.nii"), "scan c01, rescanned");
  test::touchLater(data.dir.file("in/c01.nii"));
  fs::remove(data.output("c03"));
  FakeWorkerLog second;
  const BatchReport rerun = data.run(second);
  EXPECT_EQ(sorted(second.processedIds()), (std::vector<std::string>{"c01", "c03"}));
  EXPECT_EQ(rerun.cases[1].redoReason, "input changed");
  EXPECT_EQ(rerun.cases[3].redoReason, "output missing");
  EXPECT_EQ(readFile(data.output("c01")), "c01:scan c01, rescanned");
  EXPECT_EQ(rerun.skipped, 3);
}

TEST(BatchRunner, TouchingAnInputWithoutChangingItsSizeRedoesIt) {
  Dataset data(2);
  FakeWorkerLog first;
  data.run(first);
  test::touchLater(data.dir.file("in/c00.nii"));
  FakeWorkerLog second;
  data.run(second);
  EXPECT_EQ(second.processedIds(), (std::vector<std::string>{"c00"}));
}

// Same size, old modification time restored (as cp -p from another copy does): only content fingerprints see it.
void replaceKeepingSizeAndTime(const std::string& path, const std::string& contents) {
  const auto time = fs::last_write_time(path);
  writeFile(path, contents);
  fs::last_write_time(path, time);
}

TEST(BatchRunner, ContentFingerprintsSeeSameSizeReplacementsAndIgnoreTouches) {
  Dataset data(2);
  data.settings.inputFingerprintMode = InputFingerprintMode::Content;
  FakeWorkerLog first;
  data.run(first);
  test::touchLater(data.dir.file("in/c00.nii"));
  replaceKeepingSizeAndTime(data.dir.file("in/c01.nii"), "SCAN c01");
  FakeWorkerLog second;
  data.run(second);
  EXPECT_EQ(second.processedIds(), (std::vector<std::string>{"c01"}));
  EXPECT_EQ(readFile(data.output("c01")), "c01:SCAN c01");
}

TEST(BatchRunner, MetadataFingerprintsMissSameSizeReplacementsWithTheOldTime) {
  // The documented limit of the default: this is why --input-fingerprint content exists.
  Dataset data(1);
  FakeWorkerLog first;
  data.run(first);
  replaceKeepingSizeAndTime(data.dir.file("in/c00.nii"), "SCAN c00");
  FakeWorkerLog second;
  EXPECT_EQ(data.run(second).skipped, 1);
}

TEST(BatchRunner, AnotherModelOrOtherOptionsRedoEverything) {
  Dataset data(3);
  FakeWorkerLog first;
  data.run(first);

  data.settings.modelFingerprint = "sha256:model-b";
  FakeWorkerLog second;
  const BatchReport newModel = data.run(second);
  EXPECT_EQ(newModel.done, 3);
  EXPECT_EQ(newModel.cases[0].redoReason, "model changed");

  data.settings.optionsFingerprint = "sha256:options-b";
  FakeWorkerLog third;
  const BatchReport newOptions = data.run(third);
  EXPECT_EQ(newOptions.done, 3);
  EXPECT_EQ(newOptions.cases[2].redoReason, "options changed");

  FakeWorkerLog fourth;
  EXPECT_EQ(data.run(fourth).skipped, 3);
}

TEST(BatchRunner, AFailingCaseIsRecordedWithItsErrorAndTheRunGoesOn) {
  Dataset data(6);
  writeFile(data.dir.file("in/c05.nii"), "");
  data.cases.push_back(CaseSpec{"c99", data.dir.file("in/missing.nii"), ""});
  FakeWorkerLog log;
  log.failOnLoad = {"c01"};
  log.failOnProcess = {"c04"};
  const BatchReport report = data.run(log);
  EXPECT_EQ(report.done, 4);
  EXPECT_EQ(report.failed, 3);
  EXPECT_EQ(report.cases[1].error, data.dir.file("in/c01.nii") + ": not a readable scan");
  EXPECT_EQ(report.cases[4].error, data.dir.file("in/c04.nii") + ": the image is empty after cropping");
  EXPECT_EQ(report.cases[6].error, data.dir.file("in/missing.nii") + ": no such file or folder");
  EXPECT_FALSE(fs::exists(data.output("c04")));
  EXPECT_TRUE(fs::exists(data.output("c05")));

  // The journal holds one line per case, the failures with their errors.
  std::ifstream journal(data.dir.file("out/skipseg-journal.jsonl"));
  std::map<std::string, Json> entries;
  std::string line;
  while (std::getline(journal, line)) {
    const Json entry = Json::parse(line);
    entries[entry["case_id"]] = entry;
  }
  ASSERT_EQ(entries.size(), 7u);
  EXPECT_EQ(entries["c01"]["status"], "failed");
  EXPECT_EQ(entries["c01"]["error"], data.dir.file("in/c01.nii") + ": not a readable scan");
  EXPECT_EQ(entries["c02"]["status"], "done");
  EXPECT_EQ(entries["c02"]["model_fingerprint"], "sha256:model-a");
  EXPECT_EQ(entries["c02"]["output_size"], std::string("c02:scan c02").size());

  // A rerun retries the failures only.
  FakeWorkerLog retry;
  const BatchReport again = data.run(retry);
  EXPECT_EQ(sorted(retry.processedIds()), (std::vector<std::string>{"c01", "c04"}));
  EXPECT_EQ(again.cases[1].redoReason, "failed before");
  EXPECT_EQ(again.skipped, 4);
}

TEST(BatchRunner, SeveralJobsGiveTheSameOutputsWithOneModelLoadPerJob) {
  Dataset data(12);
  FakeWorkerLog one;
  data.run(one);
  EXPECT_EQ(one.workersCreated, 1);

  Dataset parallel(12);
  parallel.settings.jobs = 3;
  FakeWorkerLog three;
  const BatchReport report = parallel.run(three);
  EXPECT_EQ(three.workersCreated, 3);
  EXPECT_EQ(report.done, 12);
  for (const auto& spec : data.cases) {
    EXPECT_EQ(readFile(parallel.output(spec.id)), readFile(data.output(spec.id))) << spec.id;
  }
  const auto ids = sorted(three.processedIds());
  EXPECT_EQ(ids.size(), 12u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 12u);  // each case once
}

// A worker whose load() tells the test when it ran, so process() can wait for the next case's load.
class OverlapWorker final : public CaseWorker {
 public:
  std::mutex mutex;
  std::condition_variable loaded;
  std::vector<std::string> loadedIds;
  bool nextLoadedDuringProcess = true;

  std::unique_ptr<PreparedCase> load(const CaseSpec& spec) override {
    std::lock_guard<std::mutex> lock(mutex);
    loadedIds.push_back(spec.id);
    loaded.notify_all();
    return std::make_unique<test::FakePrepared>();
  }
  Json process(PreparedCase&, const CaseSpec& spec, const std::string& outputPath) override {
    std::unique_lock<std::mutex> lock(mutex);
    const std::size_t position = std::find(loadedIds.begin(), loadedIds.end(), spec.id) - loadedIds.begin();
    // While case n is being computed, case n+1 must be read (unless n is the last).
    if (spec.id != "c03") {
      nextLoadedDuringProcess = nextLoadedDuringProcess && loaded.wait_for(lock, std::chrono::seconds(10), [&] {
        return loadedIds.size() > position + 1;
      });
    }
    lock.unlock();
    writeFileAtomically(outputPath, spec.id);
    return Json::object();
  }
};

// Hands the batch a worker that the test keeps, to look at it afterwards.
class BorrowedWorker final : public CaseWorker {
 public:
  explicit BorrowedWorker(CaseWorker& worker) : worker_(worker) {}
  std::unique_ptr<PreparedCase> load(const CaseSpec& spec) override { return worker_.load(spec); }
  Json process(PreparedCase& prepared, const CaseSpec& spec, const std::string& outputPath) override {
    return worker_.process(prepared, spec, outputPath);
  }

 private:
  CaseWorker& worker_;
};

TEST(BatchRunner, ReadsTheNextCaseWhileComputingTheCurrentOne) {
  Dataset data(4);
  OverlapWorker worker;
  OverlapWorker* observed = &worker;
  const BatchReport report = runBatch(
      data.cases, [&] { return std::make_unique<BorrowedWorker>(worker); }, data.settings, silentProgress());
  EXPECT_EQ(report.done, 4);
  EXPECT_TRUE(observed->nextLoadedDuringProcess);
  EXPECT_EQ(observed->loadedIds, (std::vector<std::string>{"c00", "c01", "c02", "c03"}));
}

TEST(BatchRunner, AnEmptyShardLoadsNoModel) {
  Dataset data(0);
  FakeWorkerLog log;
  const BatchReport report = data.run(log);
  EXPECT_EQ(log.workersCreated, 0);
  EXPECT_TRUE(report.cases.empty());
  EXPECT_EQ(report.toSummary(Json::object())["counts"]["total"], 0);
}

TEST(BatchRunner, AWorkerThatCannotStartStopsTheRunWithItsError) {
  Dataset data(3);
  try {
    runBatch(
        data.cases, []() -> std::unique_ptr<CaseWorker> { throw badInput("model.pt", "not a TorchScript file"); },
        data.settings, silentProgress());
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()), "model.pt: not a TorchScript file");
  }
}

// The process dies (SIGKILL) while case c03 is half written; the rerun redoes c03 onwards only.
TEST(BatchRunner, AfterAKillARerunRedoesOnlyTheUnfinishedCases) {
  Dataset data(6);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    FakeWorkerLog log;
    log.onProcess = [](const CaseSpec& spec, const std::string& outputPath) {
      if (spec.id == "c03") {
        AtomicOutput output(outputPath);
        std::ofstream(output.temporaryPath()) << "half of c0";
        std::raise(SIGKILL);
      }
    };
    data.run(log);
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  ASSERT_EQ(WTERMSIG(status), SIGKILL);
  EXPECT_EQ(readFile(data.output("c02")), "c02:scan c02");
  EXPECT_FALSE(fs::exists(data.output("c03")));  // nothing that looks finished

  FakeWorkerLog rerunLog;
  const BatchReport rerun = data.run(rerunLog);
  EXPECT_EQ(rerunLog.processedIds(), (std::vector<std::string>{"c03", "c04", "c05"}));
  EXPECT_EQ(rerun.skipped, 3);
  EXPECT_EQ(rerun.done, 3);
  ASSERT_EQ(rerun.removedTemporaries.size(), 1u);
  EXPECT_NE(rerun.removedTemporaries[0].find("c03.txt"), std::string::npos);
  for (const auto& entry : fs::directory_iterator(data.dir.file("out"))) {
    EXPECT_FALSE(isTemporaryOutputName(entry.path().filename().string())) << entry.path();
  }
}

TEST(BatchRunner, LeavesOtherShardsTemporariesAlone) {
  Dataset data(2);
  writeFile(data.dir.file("out/.skipseg-tmp-123-other.txt"), "another shard is writing this");
  FakeWorkerLog log;
  const BatchReport report = data.run(log);
  EXPECT_TRUE(report.removedTemporaries.empty());
  EXPECT_TRUE(fs::exists(data.dir.file("out/.skipseg-tmp-123-other.txt")));
}

TEST(Journal, KeepsTheLatestEntryAcrossShardFilesAndIgnoresBrokenLines) {
  TemporaryDirectory dir;
  writeFile(dir.file("skipseg-journal.shard-0-of-2.jsonl"),
            R"({"case_id":"a","status":"failed","finished_at":"2026-01-01T00:00:02.000000Z"})"
            "\n"
            "{\"case_id\":\"b\",\"sta\n");
  writeFile(dir.file("skipseg-journal.jsonl"),
            R"({"case_id":"a","status":"done","finished_at":"2026-01-01T00:00:01.000000Z"})"
            "\n");
  Journal journal(dir.path(), journalFileName(1, 2));
  ASSERT_NE(journal.latest("a"), nullptr);
  EXPECT_EQ(journal.latest("a")->status, "failed");
  EXPECT_EQ(journal.latest("b"), nullptr);
  EXPECT_EQ(journal.path(), dir.file("skipseg-journal.shard-1-of-2.jsonl"));
}

}  // namespace
}  // namespace skipseg::batch
