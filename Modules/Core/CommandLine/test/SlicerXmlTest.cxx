#include "skipseg/cli/HelpText.h"
#include "skipseg/testing/SlicerSchema.h"

#include <gtest/gtest.h>

namespace {

using skipseg::cli::ParameterKind;

skipseg::cli::ProgramDescription slicerProgram() {
  skipseg::cli::ProgramDescription program;
  program.name = "skipseg-example";
  program.title = "Example";
  program.description = "Segments <things> & more.";
  program.slicerModule = true;
  auto& input = program.add("input", ParameterKind::InputImage, "Input scan.");
  input.positionalIndex = 0;
  input.fileExtensions = {".nrrd", ".nii.gz"};
  auto& output = program.add("output", ParameterKind::OutputLabelMap, "Labels.");
  output.positionalIndex = 1;
  output.fileExtensions = {".nrrd"};
  program.add("overlap", ParameterKind::Float, "Overlap.").defaultValue = "0.5";
  program.add("tile-batch", ParameterKind::Integer, "Tiles per pass.").defaultValue = "1";
  auto& reference = program.add("reference", ParameterKind::InputLabelMap, "Reference labels.");
  reference.positionalIndex = 2;
  program.add("mirror", ParameterKind::Flag, "Mirror.").group = "Advanced";
  auto& device = program.add("device", ParameterKind::Enumeration, "Device.");
  device.choices = {"auto", "cpu"};
  program.add("hidden", ParameterKind::String, "Not for Slicer.").slicer = false;
  return program;
}

TEST(SlicerXml, DescribesImagesWithTypeChannelAndIndex) {
  const std::string xml = skipseg::cli::slicerXml(slicerProgram(), "1.2.3");
  EXPECT_NE(xml.find("<image type=\"scalar\" fileExtensions=\".nrrd,.nii.gz\">"), std::string::npos);
  EXPECT_NE(xml.find("<image type=\"label\" fileExtensions=\".nrrd\">"), std::string::npos);
  EXPECT_NE(xml.find("<channel>output</channel>\n      <index>1</index>"), std::string::npos);
  EXPECT_NE(xml.find("<longflag>--overlap</longflag>"), std::string::npos);
  EXPECT_NE(xml.find("Segments &lt;things&gt; &amp; more."), std::string::npos);
  EXPECT_EQ(xml.find("hidden"), std::string::npos);
  EXPECT_NE(xml.find("<version>1.2.3</version>"), std::string::npos);
}

TEST(SlicerXml, InputLabelMapsAreLabelImagesWithAnInputChannel) {
  const std::string xml = skipseg::cli::slicerXml(slicerProgram(), "1");
  EXPECT_NE(xml.find("<image type=\"label\">\n      <name>reference</name>\n      <label>Reference</label>\n      "
                     "<description>Reference labels.</description>\n      <channel>input</channel>\n      "
                     "<index>2</index>"),
            std::string::npos)
      << xml;
}

// Slicer's panel shows labels: "Tile batch", never the flag's spelling "tile-batch".
TEST(SlicerXml, LabelsAreReadableWithoutAnExplicitLabel) {
  const std::string xml = skipseg::cli::slicerXml(slicerProgram(), "1");
  EXPECT_NE(xml.find("<label>Tile batch</label>"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("<label>tile-batch</label>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<label>Overlap</label>"), std::string::npos) << xml;
}

TEST(SlicerXml, ValidatesAgainstSlicersSchema) {
  SKIPSEG_EXPECT_VALID_SLICER_XML(skipseg::cli::slicerXml(slicerProgram(), "0.1.0"));
}

TEST(SlicerXml, AFileWithoutIndexCannotBeDescribed) {
  auto program = slicerProgram();
  program.add("table", ParameterKind::OutputFile, "A table without index.");
  EXPECT_THROW(skipseg::cli::slicerXml(program, "0"), std::exception);
}

}  // namespace
