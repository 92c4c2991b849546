#include "skipseg/cli/RunProgram.h"
#include "skipseg/core/Error.h"

#include <gtest/gtest.h>

namespace {

skipseg::cli::ProgramDescription program() {
  skipseg::cli::ProgramDescription description;
  description.name = "skipseg-example";
  auto& input = description.add("input", skipseg::cli::ParameterKind::InputFile, "Input.");
  input.positionalIndex = 0;
  input.required = true;
  return description;
}

TEST(RunProgram, ErrorsBecomeOneLineAndTheirExitCode) {
  testing::internal::CaptureStderr();
  const int code =
      skipseg::cli::runProgram(program(), {"scan.nii"}, [](const skipseg::cli::ParsedOptions& options) -> int {
        throw skipseg::badInput(options.string("input"), "not a NIfTI file");
      });
  const std::string error = testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, 3);
  EXPECT_EQ(error, "skipseg-example: error: scan.nii: not a NIfTI file\n");
}

TEST(RunProgram, UsageErrorExitsWithTwo) {
  testing::internal::CaptureStderr();
  const int code = skipseg::cli::runProgram(program(), {}, [](const skipseg::cli::ParsedOptions&) { return 0; });
  const std::string error = testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, 2);
  EXPECT_EQ(error, "skipseg-example: error: --input is required (see --help)\n");
}

TEST(RunProgram, HelpListsOptionsAndExitCodes) {
  testing::internal::CaptureStdout();
  const int code =
      skipseg::cli::runProgram(program(), {"--help"}, [](const skipseg::cli::ParsedOptions&) { return 9; });
  const std::string help = testing::internal::GetCapturedStdout();
  EXPECT_EQ(code, 0);
  EXPECT_NE(help.find("--input FILE"), std::string::npos);
  EXPECT_NE(help.find("Exit codes: 0 ok"), std::string::npos);
}

TEST(RunProgram, NonSlicerProgramRefusesXml) {
  testing::internal::CaptureStderr();
  const int code = skipseg::cli::runProgram(program(), {"--xml"}, [](const skipseg::cli::ParsedOptions&) { return 0; });
  testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, 2);
}

}  // namespace
