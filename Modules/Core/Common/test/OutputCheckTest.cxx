#include "skipseg/core/Error.h"
#include "skipseg/core/OutputCheck.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

namespace {

// Expects OutputFailed with a one-line message "PATH: ..." that holds `reason`.
void expectOutputFailed(const std::function<void()>& action, const std::string& path, const std::string& reason) {
  try {
    action();
    ADD_FAILURE() << path << " was accepted";
  } catch (const skipseg::Error& error) {
    const std::string message = error.what();
    EXPECT_EQ(error.code(), skipseg::ExitCode::OutputFailed) << message;
    EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
    EXPECT_NE(message.find(reason), std::string::npos) << message;
  }
}

TEST(OutputCheck, MissingFoldersAreFineAndNothingIsLeft) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::checkOutputFile(folder.file("a/b/labels.nii.gz"));
  skipseg::checkOutputFolder(folder.file("render/meshes"));
  skipseg::checkOutputFile(folder.file("labels.nii.gz"));
  EXPECT_EQ(folder.listing(), "");
}

TEST(OutputCheck, APathUnderAFileGivesTheOsReason) {
  skipseg::testing::TemporaryDirectory folder;
  std::ofstream(folder.file("scan.nii.gz")) << "a file";
  const std::string reason = ": cannot write under " + folder.file("scan.nii.gz") + ": Not a directory";
  const std::string path = folder.file("scan.nii.gz/labels.nii.gz");
  expectOutputFailed([&] { skipseg::checkOutputFile(path); }, path, reason);
  const std::string deeper = folder.file("scan.nii.gz/more/labels.nii.gz");
  expectOutputFailed([&] { skipseg::checkOutputFile(deeper); }, deeper, reason);
  expectOutputFailed([&] { skipseg::checkOutputFolder(path); }, path, reason);
}

TEST(OutputCheck, AFolderIsNotAFile) {
  skipseg::testing::TemporaryDirectory folder;
  std::filesystem::create_directory(folder.file("labels.nii.gz"));
  expectOutputFailed([&] { skipseg::checkOutputFile(folder.file("labels.nii.gz")); }, folder.file("labels.nii.gz"),
                     "is a folder");
}

// /proc takes no new files, even from root (where permission bits would not tell).
TEST(OutputCheck, AFolderThatTakesNoFilesGivesTheOsReason) {
  expectOutputFailed([] { skipseg::checkOutputFile("/proc/skipseg-test/labels.nii.gz"); },
                     "/proc/skipseg-test/labels.nii.gz", "cannot write in /proc: ");
}

// What a failed write is told when the library did not say why.
TEST(OutputCheck, WriteFailureReasonAsksTheOperatingSystem) {
  skipseg::testing::TemporaryDirectory folder;
  EXPECT_EQ(skipseg::writeFailureReason(folder.file("labels.nii.gz")), "");
  std::ofstream(folder.file("file")) << "a file";
  EXPECT_EQ(skipseg::writeFailureReason(folder.file("file/labels.nii.gz")),
            "cannot write under " + folder.file("file") + ": Not a directory");
  EXPECT_EQ(folder.listing(), "file");
}

}  // namespace
