#include "skipseg/cli/OptionParser.h"
#include "skipseg/core/Error.h"

#include <gtest/gtest.h>

namespace {

using skipseg::cli::ParameterKind;

skipseg::cli::ProgramDescription exampleProgram() {
  skipseg::cli::ProgramDescription program;
  program.name = "skipseg-example";
  auto& input = program.add("input", ParameterKind::InputImage, "The scan.");
  input.positionalIndex = 0;
  input.required = true;
  program.add("overlap", ParameterKind::Float, "Tile overlap.").defaultValue = "0.5";
  auto& device = program.add("device", ParameterKind::Enumeration, "Where to run.");
  device.choices = {"auto", "cpu", "cuda"};
  device.defaultValue = "auto";
  program.add("mirror", ParameterKind::Flag, "Mirror.");
  program.add("spacing", ParameterKind::FloatList, "Spacing.");
  return program;
}

TEST(OptionParser, PositionalFlagsListsAndDefaults) {
  const auto parsed = skipseg::cli::parseOptions(exampleProgram(), {"scan.nrrd", "--mirror", "--spacing", "1,1.5,3"});
  EXPECT_EQ(parsed.string("input"), "scan.nrrd");
  EXPECT_TRUE(parsed.flag("mirror"));
  EXPECT_DOUBLE_EQ(parsed.number("overlap"), 0.5);
  EXPECT_EQ(parsed.string("device"), "auto");
  EXPECT_EQ(parsed.numbers("spacing"), (std::vector<double>{1.0, 1.5, 3.0}));
}

TEST(OptionParser, MissingRequiredIsAUsageErrorNamingTheOption) {
  try {
    skipseg::cli::parseOptions(exampleProgram(), {"--mirror"});
    FAIL();
  } catch (const skipseg::Error& error) {
    EXPECT_EQ(error.code(), skipseg::ExitCode::Usage);
    EXPECT_STREQ(error.what(), "--input is required (see --help)");
  }
}

TEST(OptionParser, EnumerationRejectsUnknownChoice) {
  try {
    skipseg::cli::parseOptions(exampleProgram(), {"a.nrrd", "--device", "tpu"});
    FAIL();
  } catch (const skipseg::Error& error) {
    EXPECT_STREQ(error.what(), "--device must be one of auto|cpu|cuda, not \"tpu\"");
  }
}

TEST(OptionParser, MalformedNumberIsAUsageError) {
  try {
    skipseg::cli::parseOptions(exampleProgram(), {"a.nrrd", "--overlap", "half"});
    FAIL();
  } catch (const skipseg::Error& error) {
    EXPECT_EQ(error.code(), skipseg::ExitCode::Usage);
    EXPECT_STREQ(error.what(), "--overlap expects a number, not \"half\"");
  }
}

TEST(OptionParser, UnknownOptionIsAUsageError) {
  EXPECT_THROW(skipseg::cli::parseOptions(exampleProgram(), {"a.nrrd", "--frobnicate"}), skipseg::Error);
}

std::string usageErrorOf(const std::vector<std::string>& arguments) {
  try {
    skipseg::cli::parseOptions(exampleProgram(), arguments);
  } catch (const skipseg::Error& error) {
    EXPECT_EQ(error.code(), skipseg::ExitCode::Usage);
    return error.what();
  }
  return "(no error)";
}

TEST(OptionParser, MisspelledOptionSuggestsTheClosestOne) {
  EXPECT_EQ(usageErrorOf({"a.nrrd", "--ovrelap", "0.3"}),
            "unknown option --ovrelap; did you mean --overlap? (see --help)");
  EXPECT_EQ(usageErrorOf({"a.nrrd", "--mirorr"}), "unknown option --mirorr; did you mean --mirror? (see --help)");
  EXPECT_EQ(usageErrorOf({"a.nrrd", "--devise=cpu"}), "unknown option --devise; did you mean --device? (see --help)");
  // The common options count too.
  EXPECT_EQ(usageErrorOf({"a.nrrd", "--log-levl", "debug"}),
            "unknown option --log-levl; did you mean --log-level? (see --help)");
  // Nothing close: no guess.
  EXPECT_EQ(usageErrorOf({"a.nrrd", "--frobnicate"}), "unknown option --frobnicate (see --help)");
}

}  // namespace
