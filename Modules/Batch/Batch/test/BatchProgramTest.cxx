#include "skipseg/batch/BatchProgram.h"

#include "BatchTestFiles.h"
#include "skipseg/batch/ChecksumWorker.h"
#include "skipseg/batch/Sha256.h"
#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/JsonFile.h"
#include "skipseg/testing/RunProgram.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

namespace fs = std::filesystem;

namespace skipseg::batch {
namespace {

using test::readFile;
using test::writeDicomFile;
using test::writeFile;
using testing::TemporaryDirectory;

WorkerRegistry testWorkers() {
  WorkerRegistry workers;
  workers.add(checksumWorkerType());
  return workers;
}

// A folder of 8 good cases (files and a DICOM series) and 2 corrupt ones (empty files).
void makeDataset(const TemporaryDirectory& dir) {
  for (int i = 0; i < 6; ++i) {
    writeFile(dir.file("in/p" + std::to_string(i) + "/ct.nii.gz"), "scan " + std::to_string(i));
  }
  writeFile(dir.file("in/mr.nrrd"), "an mr");
  writeDicomFile(dir.file("in/dicom/s1/IM1"), "slice 1");
  writeDicomFile(dir.file("in/dicom/s1/IM2"), "slice 2");
  writeFile(dir.file("in/broken1.nii.gz"), "");
  writeFile(dir.file("in/p9/broken2.nii"), "");
}

int countLines(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    lines += !line.empty();
  }
  return lines;
}

TEST(BatchProgram, FinishesTheGoodCasesReportsTheBadOnesAndExitsWithOne) {
  TemporaryDirectory dir;
  makeDataset(dir);
  const int code = batchMain({"--worker", "test-checksum", "--input", dir.file("in"), "--output-dir", dir.file("out"),
                              "--jobs", "2", "--log-level", "error"},
                             testWorkers());
  EXPECT_EQ(code, 1);
  const Json summary = readJsonFile(dir.file("out/skipseg-summary.json"));
  EXPECT_EQ(summary["counts"], Json({{"total", 10}, {"done", 8}, {"skipped", 0}, {"failed", 2}}));
  std::map<std::string, Json> rows;
  for (const auto& row : summary["cases"]) {
    rows[row["case_id"]] = row;
  }
  EXPECT_EQ(rows["broken1"]["error"], dir.file("in/broken1.nii.gz") + ": empty file");
  EXPECT_EQ(rows["p9_broken2"]["status"], "failed");
  EXPECT_GT(rows["p3_ct"]["seconds"]["total"].get<double>(), 0.0);
  EXPECT_GE(summary["seconds"]["total"].get<double>(), 0.0);
  EXPECT_EQ(readFile(dir.file("out/p3_ct.sha256")), "model none\n" + sha256Hex("scan 3") + "  ct.nii.gz\n");
  EXPECT_EQ(readFile(dir.file("out/dicom_s1.sha256")),
            "model none\n" + sha256Hex(std::string(128, '\0') + "DICMslice 1") + "  IM1\n" +
                sha256Hex(std::string(128, '\0') + "DICMslice 2") + "  IM2\n");
  EXPECT_FALSE(fs::exists(dir.file("out/broken1.sha256")));

  // Fixing a broken case and rerunning does that case only.
  writeFile(dir.file("in/broken1.nii.gz"), "repaired");
  EXPECT_EQ(batchMain({"--worker", "test-checksum", "--input", dir.file("in"), "--output-dir", dir.file("out"),
                       "--log-level", "error"},
                      testWorkers()),
            1);
  const Json rerun = readJsonFile(dir.file("out/skipseg-summary.json"));
  EXPECT_EQ(rerun["counts"], Json({{"total", 10}, {"done", 1}, {"skipped", 8}, {"failed", 1}}));
}

TEST(BatchProgram, AModelChangeRedoesTheCases) {
  TemporaryDirectory dir;
  writeFile(dir.file("in/a.nii"), "a");
  writeFile(dir.file("model.pt"), "weights 1");
  const std::vector<std::string> arguments = {"--worker",    "test-checksum", "--model",      dir.file("model.pt"),
                                              "--input",     dir.file("in"),  "--output-dir", dir.file("out"),
                                              "--log-level", "error"};
  ASSERT_EQ(batchMain(arguments, testWorkers()), 0);
  EXPECT_EQ(readFile(dir.file("out/a.sha256")).substr(0, 20), "model sha256:" + sha256Hex("weights 1").substr(0, 7));
  ASSERT_EQ(batchMain(arguments, testWorkers()), 0);
  EXPECT_EQ(readJsonFile(dir.file("out/skipseg-summary.json"))["counts"]["skipped"], 1);
  writeFile(dir.file("model.pt"), "weights 2");
  ASSERT_EQ(batchMain(arguments, testWorkers()), 0);
  const Json summary = readJsonFile(dir.file("out/skipseg-summary.json"));
  EXPECT_EQ(summary["counts"]["done"], 1);
  EXPECT_EQ(summary["cases"][0]["reason"], "model changed");
  EXPECT_EQ(summary["model_fingerprint"], "sha256:" + sha256Hex("weights 2"));
}

TEST(BatchProgram, UsageErrorsExitWithTwo) {
  TemporaryDirectory dir;
  writeFile(dir.file("in/a.nii"), "a");
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(batchMain({"--worker", "test-checksum", "--input", dir.file("in"), "--output-dir", dir.file("out"),
                       "--shard", "2/2"},
                      testWorkers()),
            2);
  EXPECT_EQ(batchMain({"--input", dir.file("in"), "--output-dir", dir.file("out")}, testWorkers()), 2);
  EXPECT_EQ(batchMain({"--worker", "test-checksum", "--output-dir", dir.file("out")}, testWorkers()), 2);
  const std::string errors = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(errors.find("skipseg-batch: error: --shard expects K/N with 0 <= K < N (e.g. 0/4), not \"2/2\""),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("skipseg-batch: error: --worker: unknown worker \"segment\" (known: test-checksum)"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("skipseg-batch: error: --input is required"), std::string::npos) << errors;
}

TEST(BatchProgram, ShardsThenMergeCoverEveryCaseExactlyOnce) {
  TemporaryDirectory dir;
  makeDataset(dir);
  std::vector<std::string> summaries = {"--merge"};
  for (int shard = 0; shard < 3; ++shard) {
    batchMain({"--worker", "test-checksum", "--input", dir.file("in"), "--output-dir", dir.file("out"), "--shard",
               std::to_string(shard) + "/3", "--log-level", "error"},
              testWorkers());
    summaries.push_back(dir.file("out/skipseg-summary.shard-" + std::to_string(shard) + "-of-3.json"));
    EXPECT_TRUE(fs::exists(dir.file("out/skipseg-journal.shard-" + std::to_string(shard) + "-of-3.jsonl")));
  }
  summaries.insert(summaries.end(), {"--summary", dir.file("all.json"), "--log-level", "error"});
  EXPECT_EQ(batchMain(summaries, testWorkers()), 1);  // the two corrupt cases failed
  const Json merged = readJsonFile(dir.file("all.json"));
  EXPECT_EQ(merged["counts"], Json({{"total", 10}, {"done", 8}, {"skipped", 0}, {"failed", 2}}));
  EXPECT_TRUE(merged["duplicates"].empty());
  EXPECT_TRUE(merged["missing_shards"].empty());

  // A whole-dataset rerun reads the shards' journals and skips what they did.
  batchMain(
      {"--worker", "test-checksum", "--input", dir.file("in"), "--output-dir", dir.file("out"), "--log-level", "error"},
      testWorkers());
  EXPECT_EQ(readJsonFile(dir.file("out/skipseg-summary.json"))["counts"]["skipped"], 8);
}

// The real program, killed with SIGKILL in the middle of a run, then run again.
TEST(BatchProgram, RealProgramKilledMidRunRedoesOnlyUnfinishedCasesOnRerun) {
  const std::string program = testing::binaryDir() + "/skipseg-batch";
  ASSERT_TRUE(fs::exists(program)) << program;
  TemporaryDirectory dir;
  for (int i = 0; i < 8; ++i) {
    writeFile(dir.file("in/case" + std::to_string(i) + ".nii.gz"), "scan " + std::to_string(i));
  }
  const std::string journal = dir.file("out/skipseg-journal.jsonl");
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const int quiet = open("/dev/null", O_WRONLY);
    dup2(quiet, STDERR_FILENO);
    execl(program.c_str(), program.c_str(), "--worker", "test-checksum", "--checksum-delay", "400", "--input",
          dir.file("in").c_str(), "--output-dir", dir.file("out").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Kill it once three cases are in the journal and the next one is being written (its temporary exists).
  auto temporaryExists = [&] {
    std::error_code error;
    for (fs::directory_iterator it(dir.file("out"), error), end; !error && it != end; it.increment(error)) {
      if (isTemporaryOutputName(it->path().filename().string())) {
        return true;
      }
    }
    return false;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!(countLines(journal) >= 3 && temporaryExists()) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run ended before it was killed";
  const int finished = countLines(journal);
  ASSERT_GE(finished, 3);
  ASSERT_LT(finished, 8);
  // Every output with its final name is complete (at most one more than the journal shows: a kill between
  // the rename and the journal line); the case being written at the kill is only a temporary.
  auto expectedOutput = [](int i) {
    return "model none\n" + sha256Hex("scan " + std::to_string(i)) + "  case" + std::to_string(i) + ".nii.gz\n";
  };
  int outputs = 0;
  bool temporaryLeft = false;
  for (int i = 0; i < 8; ++i) {
    const std::string output = dir.file("out/case" + std::to_string(i) + ".sha256");
    if (fs::exists(output)) {
      ++outputs;
      EXPECT_EQ(readFile(output), expectedOutput(i));
    }
  }
  for (const auto& entry : fs::directory_iterator(dir.file("out"))) {
    temporaryLeft = temporaryLeft || isTemporaryOutputName(entry.path().filename().string());
  }
  EXPECT_GE(outputs, finished);
  EXPECT_LE(outputs, finished + 1);
  EXPECT_TRUE(temporaryLeft);  // the case being written when the kill came

  const auto rerun = testing::runProgram(
      program, {"--worker", "test-checksum", "--input", dir.file("in"), "--output-dir", dir.file("out")});
  ASSERT_EQ(rerun.exitCode, 0) << rerun.standardError;
  EXPECT_NE(rerun.standardError.find("removed a partial output left by an interrupted run"), std::string::npos)
      << rerun.standardError;
  const Json summary = readJsonFile(dir.file("out/skipseg-summary.json"));
  EXPECT_EQ(summary["counts"]["skipped"], finished);
  EXPECT_EQ(summary["counts"]["done"], 8 - finished);
  EXPECT_EQ(countLines(journal), 8);
  for (const auto& entry : fs::directory_iterator(dir.file("out"))) {
    EXPECT_FALSE(isTemporaryOutputName(entry.path().filename().string())) << entry.path();
  }
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(readFile(dir.file("out/case" + std::to_string(i) + ".sha256")), expectedOutput(i));
  }
}

// The working folder changes for the length of a test.
class WorkingFolder {
 public:
  explicit WorkingFolder(const std::string& folder) : previous_(fs::current_path()) { fs::current_path(folder); }
  ~WorkingFolder() { fs::current_path(previous_); }

 private:
  fs::path previous_;
};

// The same folders spelled otherwise (trailing slashes, "./", "//", relative from elsewhere) are the same
// outputs: a rerun skips every finished case instead of redoing it for "output path changed".
TEST(BatchProgram, RerunWithThePathsSpelledDifferentlySkipsTheFinishedCases) {
  TemporaryDirectory dir;
  for (int i = 0; i < 3; ++i) {
    writeFile(dir.file("in/c" + std::to_string(i) + ".nii.gz"), "scan " + std::to_string(i));
  }
  ASSERT_EQ(batchMain({"--worker", "test-checksum", "--input", dir.file("in"), "--output-dir", dir.file("out"),
                       "--log-level", "error"},
                      testWorkers()),
            0);
  auto expectAllSkipped = [&](const std::string& input, const std::string& output) {
    ASSERT_EQ(batchMain({"--worker", "test-checksum", "--input", input, "--output-dir", output, "--summary",
                         dir.file("summary.json"), "--log-level", "error"},
                        testWorkers()),
              0);
    const Json summary = readJsonFile(dir.file("summary.json"));
    EXPECT_EQ(summary["counts"], Json({{"total", 3}, {"done", 0}, {"skipped", 3}, {"failed", 0}}))
        << input << " " << output << ": " << summary["cases"].dump();
  };
  expectAllSkipped(dir.file("in/"), dir.file("out/"));
  expectAllSkipped(dir.file("in") + "//", dir.path() + "/./out//");
  {
    WorkingFolder working(dir.file("in"));
    expectAllSkipped(".", "../out");
  }
  {
    WorkingFolder working(dir.path());
    expectAllSkipped("in/", "./out/");
  }
  // A different output folder is a different output.
  ASSERT_EQ(batchMain({"--worker", "test-checksum", "--input", dir.file("in"), "--output-dir", dir.file("out2"),
                       "--log-level", "error"},
                      testWorkers()),
            0);
  EXPECT_EQ(readJsonFile(dir.file("out2/skipseg-summary.json"))["counts"]["done"], 3);
}

bool holdsTemporary(const std::string& folder) {
  std::error_code error;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    if (isTemporaryOutputName(it->path().filename().string())) {
      return true;
    }
  }
  return false;
}

// SIGTERM (Slurm's scancel, a shutdown) or SIGINT while a case is being written: the program ends with
// 143 or 130 and one line, the case being written leaves nothing (no temporary, no journal line), the
// finished ones are complete, and a rerun does exactly the rest.
TEST(BatchProgram, RealProgramStoppedBySignalRollsBackTheCaseInProgress) {
  for (const int signal : {SIGTERM, SIGINT}) {
    TemporaryDirectory dir;
    for (int i = 0; i < 6; ++i) {
      writeFile(dir.file("in/case" + std::to_string(i) + ".nii.gz"), "scan " + std::to_string(i));
    }
    const std::vector<std::string> arguments = {"--worker",     "test-checksum", "--input",
                                                dir.file("in"), "--output-dir",  dir.file("out")};
    std::vector<std::string> slow = arguments;
    slow.insert(slow.end(), {"--checksum-delay", "300"});
    testing::StartedProgram program("skipseg-batch", slow);
    const std::string journal = dir.file("out/skipseg-journal.jsonl");
    // Signal once two cases are in the journal and the next one is being written.
    while (!program.finished() && !(countLines(journal) >= 2 && holdsTemporary(dir.file("out")))) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    program.signal(signal);
    const auto result = program.wait();
    const bool sigint = signal == SIGINT;
    ASSERT_EQ(result.exitCode, sigint ? 130 : 143) << result.standardError;
    EXPECT_NE(result.standardError.find(std::string("skipseg-batch: error: interrupted by ") +
                                        (sigint ? "SIGINT" : "SIGTERM") + "; the unfinished outputs were removed\n"),
              std::string::npos)
        << result.standardError;
    EXPECT_FALSE(holdsTemporary(dir.file("out")));
    const int finished = countLines(journal);
    ASSERT_GE(finished, 2);
    ASSERT_LT(finished, 6);
    int outputs = 0;
    for (int i = 0; i < 6; ++i) {
      outputs += fs::exists(dir.file("out/case" + std::to_string(i) + ".sha256"));
    }
    EXPECT_EQ(outputs, finished);  // exactly the journal's cases: the one in progress was rolled back
    const auto rerun = testing::runProgram("skipseg-batch", arguments);
    ASSERT_EQ(rerun.exitCode, 0) << rerun.standardError;
    const Json summary = readJsonFile(dir.file("out/skipseg-summary.json"));
    EXPECT_EQ(summary["counts"]["skipped"], finished);
    EXPECT_EQ(summary["counts"]["done"], 6 - finished);
  }
}

// A model of two channels over a folder of single images: every case would fail, so the run stops before
// any (exit 3), leaving no output, journal or summary.
TEST(BatchProgram, AModelChannelMismatchStopsTheRunBeforeAnyCase) {
  TemporaryDirectory dir;
  writeFile(dir.file("in/a_0000.nii.gz"), "a");
  writeFile(dir.file("in/b_0000.nii.gz"), "b");
  WorkerType twoChannels = checksumWorkerType();
  twoChannels.name = "two-channels";
  twoChannels.modelInputs = [](const WorkerSettings&) { return ModelInputs{2, {}}; };
  WorkerRegistry workers;
  workers.add(twoChannels);
  EXPECT_EQ(batchMain({"--worker", "two-channels", "--input", dir.file("in"), "--output-dir", dir.file("out"),
                       "--log-level", "error"},
                      workers),
            3);
  EXPECT_FALSE(fs::exists(dir.file("out/skipseg-summary.json")));
  EXPECT_FALSE(fs::exists(dir.file("out/skipseg-journal.jsonl")));
  // With both channels present the cases run, each reading its two files.
  writeFile(dir.file("in/a_0001.nii.gz"), "a1");
  writeFile(dir.file("in/b_0001.nii.gz"), "b1");
  ASSERT_EQ(batchMain({"--worker", "two-channels", "--input", dir.file("in"), "--output-dir", dir.file("out"),
                       "--log-level", "error"},
                      workers),
            0);
  EXPECT_EQ(readFile(dir.file("out/a.sha256")),
            "model none\n" + sha256Hex("a") + "  a_0000.nii.gz\n" + sha256Hex("a1") + "  a_0001.nii.gz\n");
}

}  // namespace
}  // namespace skipseg::batch
