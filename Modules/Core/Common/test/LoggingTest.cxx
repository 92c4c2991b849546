#include "skipseg/core/Error.h"
#include "skipseg/core/Logging.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace {

std::string contents(const std::string& path) {
  std::ifstream file(path);
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

// A run's own log (training.log) has every info line at once, even when the console shows only warnings.
TEST(Logging, ScopedLogFileGetsInfoLinesAtOnceWhateverTheConsoleLevel) {
  skipseg::testing::TemporaryDirectory folder;
  const std::string path = folder.file("run.log");
  skipseg::configureLogging(skipseg::LogLevel::Warning);
  testing::internal::CaptureStderr();
  {
    skipseg::ScopedLogFile log(path, skipseg::LogLevel::Info);
    spdlog::info("epoch 1 done");
    spdlog::debug("not at info level");
    // Read while the file is still open: nothing may wait in a buffer until the run ends.
    const std::string during = contents(path);
    EXPECT_NE(during.find("[info] epoch 1 done"), std::string::npos) << during;
    EXPECT_EQ(during.find("not at info level"), std::string::npos);
    spdlog::warn("disk almost full");
    EXPECT_NE(contents(path).find("[warning] disk almost full"), std::string::npos);
  }
  spdlog::info("after the scope");
  const std::string console = testing::internal::GetCapturedStderr();
  EXPECT_EQ(console.find("epoch 1 done"), std::string::npos) << console;  // the console stays at warning
  EXPECT_NE(console.find("disk almost full"), std::string::npos) << console;
  EXPECT_EQ(contents(path).find("after the scope"), std::string::npos);
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::warn);
  skipseg::configureLogging(skipseg::LogLevel::Info);
}

TEST(Logging, LogFileOptionIsWrittenLineByLine) {
  skipseg::testing::TemporaryDirectory folder;
  const std::string path = folder.file("all.log");
  skipseg::configureLogging(skipseg::LogLevel::Info, path);
  testing::internal::CaptureStderr();
  spdlog::info("read the scan");
  testing::internal::GetCapturedStderr();
  EXPECT_NE(contents(path).find("read the scan"), std::string::npos);
  skipseg::configureLogging(skipseg::LogLevel::Info);  // closes the file
}

TEST(Logging, UnwritableLogFileIsAnOutputError) {
  skipseg::testing::TemporaryDirectory folder;
  std::ofstream(folder.file("file")) << "x";
  EXPECT_THROW(skipseg::ScopedLogFile(folder.file("file/run.log")), skipseg::Error);
}

}  // namespace
