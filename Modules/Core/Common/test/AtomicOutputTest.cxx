#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/OutputTransaction.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace {

TEST(AtomicOutput, TemporaryKeepsTheExtensionAndLivesBesideTheTarget) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::AtomicOutput output(folder.file("labels.nii.gz"));
  const std::filesystem::path temporary(output.temporaryPath());
  EXPECT_EQ(temporary.parent_path(), std::filesystem::path(folder.path()));
  EXPECT_TRUE(output.temporaryPath().size() > 7 &&
              output.temporaryPath().compare(output.temporaryPath().size() - 7, 7, ".nii.gz") == 0);
  EXPECT_TRUE(skipseg::isTemporaryOutputName(temporary.filename().string()));
}

TEST(AtomicOutput, NothingIsLeftWhenNotCommitted) {
  skipseg::testing::TemporaryDirectory folder;
  {
    skipseg::AtomicOutput output(folder.file("result.json"));
    std::ofstream(output.temporaryPath()) << "half";
  }
  EXPECT_EQ(folder.listing(), "");
}

TEST(AtomicOutput, CommitMovesTheFileIntoPlace) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::writeFileAtomically(folder.file("sub/result.txt"), "done\n");
  std::ifstream in(folder.file("sub/result.txt"));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "done");
  EXPECT_EQ(folder.listing(), "sub");
}

TEST(AtomicOutput, CommitWithoutWritingIsAnOutputError) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::AtomicOutput output(folder.file("never.nrrd"));
  try {
    output.commit();
    FAIL() << "commit of an unwritten file must throw";
  } catch (const skipseg::Error& error) {
    EXPECT_EQ(error.code(), skipseg::ExitCode::OutputFailed);
    EXPECT_NE(std::string(error.what()).find("never.nrrd: nothing was written"), std::string::npos);
  }
}

}  // namespace

namespace {

std::string contentsOf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(AtomicOutput, TemporaryNamesCarryTheProcessSoStaleOnesCanBeTold) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::AtomicOutput output(folder.file("labels.nii.gz"));
  const std::string name = std::filesystem::path(output.temporaryPath()).filename().string();
  EXPECT_EQ(name.rfind(".skipseg-tmp-" + std::to_string(getpid()) + ".", 0), 0u) << name;
}

// A killed run leaves temporaries; the next write of the same output removes those of processes that
// are gone, and leaves alone those of other outputs and of live processes.
TEST(AtomicOutput, StaleTemporariesOfTheSameTargetAreRemoved) {
  skipseg::testing::TemporaryDirectory folder;
  const pid_t child = fork();
  if (child == 0) {
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  const std::string dead = ".skipseg-tmp-" + std::to_string(child) + ".7-";
  std::ofstream(folder.file(dead + "labels.nii.gz")) << "half";
  std::filesystem::create_directory(folder.file(dead + "labels.nii.gz.d"));
  std::ofstream(folder.file(dead + "other.nii.gz")) << "half";
  std::ofstream(folder.file(".skipseg-tmp-1.7-labels.nii.gz")) << "pid 1 is alive";
  skipseg::writeFileAtomically(folder.file("labels.nii.gz"), "done");
  EXPECT_FALSE(std::filesystem::exists(folder.file(dead + "labels.nii.gz")));
  EXPECT_FALSE(std::filesystem::exists(folder.file(dead + "labels.nii.gz.d")));
  EXPECT_TRUE(std::filesystem::exists(folder.file(dead + "other.nii.gz")));
  EXPECT_TRUE(std::filesystem::exists(folder.file(".skipseg-tmp-1.7-labels.nii.gz")));
  EXPECT_EQ(contentsOf(folder.file("labels.nii.gz")), "done");
}

TEST(OutputTransaction, RollBackRemovesNewFilesAndRestoresReplacedOnes) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::writeFileAtomically(folder.file("labels.nii.gz"), "old labels");
  {
    skipseg::OutputTransaction transaction;
    skipseg::writeFileAtomically(folder.file("labels.nii.gz"), "new labels");
    skipseg::writeFileAtomically(folder.file("labels.json"), "new sidecar");
    EXPECT_EQ(contentsOf(folder.file("labels.nii.gz")), "new labels");
    EXPECT_EQ(transaction.files().size(), 2u);
  }  // not committed: a failure or a signal came before the case was complete
  EXPECT_EQ(folder.listing(), "labels.nii.gz");
  EXPECT_EQ(contentsOf(folder.file("labels.nii.gz")), "old labels");
}

TEST(OutputTransaction, CommitKeepsEveryFileAndNoBackups) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::writeFileAtomically(folder.file("labels.nii.gz"), "old labels");
  {
    skipseg::OutputTransaction transaction;
    skipseg::writeFileAtomically(folder.file("labels.nii.gz"), "new labels");
    skipseg::writeFileAtomically(folder.file("labels.json"), "new sidecar");
    transaction.commit();
  }
  EXPECT_EQ(folder.listing(), "labels.json labels.nii.gz");
  EXPECT_EQ(contentsOf(folder.file("labels.nii.gz")), "new labels");
}

TEST(OutputTransaction, AnInnerCommitIsUndoneByTheEnclosingRollBack) {
  skipseg::testing::TemporaryDirectory folder;
  {
    skipseg::OutputTransaction outer;
    {
      skipseg::OutputTransaction inner;
      skipseg::writeFileAtomically(folder.file("ct.nhdr"), "header");
      inner.commit();
    }
    EXPECT_EQ(folder.listing(), "ct.nhdr");
  }
  EXPECT_EQ(folder.listing(), "");
}

}  // namespace
