#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/Error.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

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
