// The test helper that runs programs as 3D Slicer does: checked against the module descriptions our
// command-line frame writes, by parsing Slicer's command line back with the program's own parser.
#include "skipseg/testing/SlicerInvocation.h"

#include "skipseg/cli/HelpText.h"
#include "skipseg/cli/OptionParser.h"

#include <gtest/gtest.h>

namespace skipseg::testing {
namespace {

cli::ProgramDescription exampleModule() {
  cli::ProgramDescription description;
  description.name = "skipseg-example";
  description.title = "Example";
  description.description = "An example module.";
  description.slicerModule = true;
  auto& input = description.add("input", cli::ParameterKind::InputImage, "The scan.");
  input.positionalIndex = 0;
  input.fileExtensions = {".nrrd", ".nii.gz"};
  auto& output = description.add("output", cli::ParameterKind::OutputLabelMap, "The labels.");
  output.positionalIndex = 1;
  description.add("model", cli::ParameterKind::String, "Model folder.").defaultValue = "models/ct";
  description.add("tta", cli::ParameterKind::Flag, "Mirror test-time augmentation.");
  description.add("cpu", cli::ParameterKind::Flag, "Run on the CPU.");
  description.add("spacing", cli::ParameterKind::FloatList, "Target spacing (mm).").defaultValue = "1.5,1.5,3";
  auto& mode = description.add("mode", cli::ParameterKind::Enumeration, "Speed.");
  mode.choices = {"fast", "accurate"};
  mode.defaultValue = "accurate";
  description.add("overlap", cli::ParameterKind::Float, "Patch overlap.");
  return description;
}

TEST(SlicerInvocation, ReadsTheParametersOfAModuleDescription) {
  const auto parameters = parseSlicerModuleXml(cli::slicerXml(exampleModule(), "1.0"));
  ASSERT_EQ(parameters.size(), 8u);
  EXPECT_EQ(parameters[0].element, "image");
  EXPECT_EQ(parameters[0].type, "scalar");
  EXPECT_EQ(parameters[0].channel, "input");
  EXPECT_EQ(parameters[0].index, 0);
  EXPECT_EQ(parameters[0].fileExtensions, (std::vector<std::string>{".nrrd", ".nii.gz"}));
  EXPECT_EQ(parameters[1].type, "label");
  EXPECT_EQ(parameters[1].channel, "output");
  EXPECT_EQ(parameters[2].longflag, "--model");
  EXPECT_EQ(parameters[2].defaultValue, "models/ct");
  EXPECT_EQ(parameters[3].element, "boolean");
  EXPECT_EQ(parameters[5].element, "double-vector");
}

TEST(SlicerInvocation, BuildsTheCommandLineSlicerPassesAndOurParserReadsItBack) {
  const cli::ProgramDescription description = exampleModule();
  const auto parameters = parseSlicerModuleXml(cli::slicerXml(description, "1.0"));
  const SlicerCommandLine commandLine = slicerCommandLine(
      parameters, {{"tta", {"true"}}, {"cpu", {"false"}}, {"spacing", {"0.8", "0.8", "2"}}}, "/tmp/Slicer");
  EXPECT_EQ(commandLine.arguments,
            (std::vector<std::string>{"--model", "models/ct", "--tta", "--spacing", "0.8,0.8,2", "--mode", "accurate",
                                      "/tmp/Slicer/input.nrrd", "/tmp/Slicer/output.nrrd"}));
  EXPECT_EQ(commandLine.files.at("input"), "/tmp/Slicer/input.nrrd");
  EXPECT_EQ(commandLine.files.at("output"), "/tmp/Slicer/output.nrrd");

  const cli::ParsedOptions parsed = cli::parseOptions(description, commandLine.arguments);
  EXPECT_EQ(parsed.string("input"), "/tmp/Slicer/input.nrrd");
  EXPECT_EQ(parsed.string("output"), "/tmp/Slicer/output.nrrd");
  EXPECT_TRUE(parsed.flag("tta"));
  EXPECT_FALSE(parsed.flag("cpu"));
  EXPECT_EQ(parsed.numbers("spacing"), (std::vector<double>{0.8, 0.8, 2.0}));
  EXPECT_EQ(parsed.string("mode"), "accurate");
  EXPECT_FALSE(parsed.has("overlap"));
}

TEST(SlicerInvocation, HandlesShortFlagsEntitiesAndIndexedFiles) {
  const std::string xml = R"(<?xml version="1.0" encoding="utf-8"?>
<executable>
  <parameters>
    <label>IO</label>
    <file fileExtensions=".csv">
      <name>table</name><label>Table</label><channel>output</channel><index>1</index>
    </file>
    <string>
      <name>note</name><flag>n</flag><label>Note</label><default>a &amp; b &lt;c&gt;</default>
    </string>
    <image>
      <name>volume</name><label>Volume</label><channel>input</channel><index>0</index>
    </image>
  </parameters>
</executable>)";
  const auto commandLine = slicerCommandLine(parseSlicerModuleXml(xml), {}, "/t");
  EXPECT_EQ(commandLine.arguments, (std::vector<std::string>{"-n", "a & b <c>", "/t/volume.nrrd", "/t/table.csv"}));
}

}  // namespace
}  // namespace skipseg::testing
