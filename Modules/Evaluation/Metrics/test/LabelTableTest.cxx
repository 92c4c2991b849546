#include "skipseg/evaluation/LabelTable.h"

#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/Error.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <gtest/gtest.h>

namespace {

using skipseg::evaluation::labelName;
using skipseg::evaluation::readLabelTable;

TEST(LabelTable, ReadsIdToNameJson) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::writeFileAtomically(folder.file("labels.json"), R"({"0": "background", "5": "liver", "1": "spleen"})");
  const auto table = readLabelTable(folder.file("labels.json"));
  ASSERT_EQ(table.size(), 2u);  // background dropped, sorted by id
  EXPECT_EQ(table[0].id, 1);
  EXPECT_EQ(table[1].name, "liver");
  EXPECT_EQ(labelName(table, 7), "label_7");
}

TEST(LabelTable, ReadsModelDescriptionLabelsWithColours) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::writeFileAtomically(
      folder.file("skipseg.json"),
      R"({"format": "x", "labels": {"0": "background", "2": {"name": "kidney", "color": [0, 1, 0]}}})");
  const auto table = readLabelTable(folder.file("skipseg.json"));
  ASSERT_EQ(table.size(), 1u);
  EXPECT_EQ(table[0].name, "kidney");
  EXPECT_EQ(table[0].color[1], 1.0);
}

TEST(LabelTable, ReadsNnUNetDatasetJsonAndSegmentSidecars) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::writeFileAtomically(
      folder.file("dataset.json"),
      R"({"channel_names": {"0": "CT"}, "labels": {"background": 0, "liver": 1, "spleen": 2}})");
  const auto nnunet = readLabelTable(folder.file("dataset.json"));
  ASSERT_EQ(nnunet.size(), 2u);
  EXPECT_EQ(labelName(nnunet, 2), "spleen");

  // A sidecar names labels twice: by name with volumes at the top, by id with colours in its model.
  skipseg::writeFileAtomically(
      folder.file("case.json"),
      R"({"labels": {"liver": {"id": 1, "voxels": 10}}, "model": {"labels": {"0": {"name": "background"},
          "1": {"name": "liver", "color": [0.9, 0.1, 0.1]}, "3": {"name": "kidney", "color": [0, 0, 1]}}}})");
  const auto sidecar = readLabelTable(folder.file("case.json"));
  ASSERT_EQ(sidecar.size(), 2u);
  EXPECT_EQ(labelName(sidecar, 3), "kidney");
  EXPECT_EQ(sidecar[0].color[0], 0.9);

  // Found beside the label map it describes, as skipseg-segment writes them; nothing beside others.
  const auto beside = skipseg::evaluation::labelTableBeside(folder.file("case.nii.gz"));
  EXPECT_EQ(labelName(beside, 1), "liver");
  EXPECT_TRUE(skipseg::evaluation::labelTableBeside(folder.file("other.nii.gz")).empty());
  EXPECT_TRUE(skipseg::evaluation::labelTableBeside(folder.file("dataset.nii.gz")).empty());  // not a sidecar

  skipseg::writeFileAtomically(folder.file("regions.json"), R"({"labels": {"background": 0, "whole": [1, 2]}})");
  try {
    readLabelTable(folder.file("regions.json"));
    ADD_FAILURE() << "region-based labels accepted";
  } catch (const skipseg::Error& error) {
    EXPECT_EQ(error.code(), skipseg::ExitCode::Unsupported);
    EXPECT_NE(std::string(error.what()).find("region"), std::string::npos) << error.what();
  }
}

TEST(LabelTable, ReadsSlicerColourTable) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::writeFileAtomically(folder.file("colors.ctbl"),
                               "# Color table file\n0 Background 0 0 0 0\n3 tumor 255 0 51 255\n");
  const auto table = readLabelTable(folder.file("colors.ctbl"));
  ASSERT_EQ(table.size(), 1u);
  EXPECT_EQ(table[0].id, 3);
  EXPECT_EQ(table[0].name, "tumor");
  EXPECT_DOUBLE_EQ(table[0].color[0], 1.0);
  EXPECT_DOUBLE_EQ(table[0].color[2], 0.2);
}

TEST(LabelTable, MalformedLinesNameTheFileAndLine) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::writeFileAtomically(folder.file("bad.txt"), "1 liver 255 0 0\nliver 2 3\n");
  try {
    readLabelTable(folder.file("bad.txt"));
    FAIL() << "no error";
  } catch (const skipseg::Error& error) {
    EXPECT_EQ(error.code(), skipseg::ExitCode::BadInput);
    EXPECT_NE(std::string(error.what()).find("bad.txt: line 2"), std::string::npos) << error.what();
  }
  EXPECT_THROW(readLabelTable(folder.file("missing.json")), skipseg::Error);
}

}  // namespace
