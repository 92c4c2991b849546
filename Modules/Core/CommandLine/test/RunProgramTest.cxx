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

TEST(RunProgram, HelpNamesValuesAndMarksRequiredOptions) {
  auto description = program();
  auto& output = description.add("output", skipseg::cli::ParameterKind::OutputDirectory, "Output folder.");
  output.required = true;
  description.add("series", skipseg::cli::ParameterKind::String, "Series.").placeholder = "UID";
  description.add("merge", skipseg::cli::ParameterKind::StringList, "Merge.");
  description.add("summary", skipseg::cli::ParameterKind::OutputFile, "Summary.").requiredUnless = "--merge";
  testing::internal::CaptureStdout();
  skipseg::cli::runProgram(description, {"--help"}, [](const skipseg::cli::ParsedOptions&) { return 0; });
  const std::string help = testing::internal::GetCapturedStdout();
  // Required, and required-unless-another-option, options are the usual form: bare in the usage line.
  EXPECT_EQ(help.rfind("Usage: skipseg-example FILE --output DIR --summary FILE [options]\n", 0), 0u) << help;
  EXPECT_NE(help.find("  --output DIR  (required)\n"), std::string::npos) << help;
  EXPECT_NE(help.find("  --series UID\n"), std::string::npos) << help;
  EXPECT_NE(help.find("  --summary FILE  (required unless --merge)\n"), std::string::npos) << help;
}

TEST(RunProgram, MisspelledFlagGetsASuggestion) {
  testing::internal::CaptureStderr();
  const int code =
      skipseg::cli::runProgram(program(), {"--inptu", "a.nii"}, [](const skipseg::cli::ParsedOptions&) { return 0; });
  const std::string error = testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, 2);
  EXPECT_EQ(error, "skipseg-example: error: unknown option --inptu; did you mean --input? (see --help)\n");
}

TEST(RunProgram, NonSlicerProgramRefusesXml) {
  testing::internal::CaptureStderr();
  const int code = skipseg::cli::runProgram(program(), {"--xml"}, [](const skipseg::cli::ParsedOptions&) { return 0; });
  testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, 2);
}

}  // namespace
