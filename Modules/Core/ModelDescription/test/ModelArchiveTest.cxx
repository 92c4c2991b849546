#include "skipseg/core/Error.h"
#include "skipseg/core/ModelArchive.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace {

using skipseg::testing::sourcePath;

TEST(ModelArchive, ReadsTheDescriptionOfASkipSegModelFileWithoutLibTorch) {
  const auto description = skipseg::modelDescriptionInArchive(sourcePath("Data/Models/brain-demo.ssm"));
  EXPECT_EQ(description.at("labels").at("1").at("name"), "left_cerebrum");
  EXPECT_EQ(description.at("labels").at("3").at("name"), "cerebellum");
  EXPECT_EQ(description.at("in_channels"), 1);
}

TEST(ModelArchive, ReadsTheSkipSegJsonOfATorchScriptModel) {
  const std::string model = sourcePath("Data/Testing/derivative_2d_xyz.pt");
  EXPECT_TRUE(skipseg::looksLikeZipArchive(model));
  const auto description = skipseg::modelDescriptionInArchive(model);
  EXPECT_EQ(description.at("format"), "skipseg-torchscript/1");
  EXPECT_EQ(description.at("labels").at("1"), "increase");
  // Records are found whatever the archive's top folder is called; absent ones are reported as such.
  EXPECT_TRUE(skipseg::readArchiveRecord(model, "version").has_value());
  EXPECT_FALSE(skipseg::readArchiveRecord(model, "skipseg-model.json").has_value());
}

TEST(ModelArchive, RefusesFilesThatAreNotWholeArchivesNamingThem) {
  skipseg::testing::TemporaryDirectory folder;
  const std::string text = folder.file("labels.json");
  std::ofstream(text) << "{\"1\": \"liver\"}";
  EXPECT_FALSE(skipseg::looksLikeZipArchive(text));
  // The first half of a model file: the zip directory at the end is missing.
  std::ifstream whole(sourcePath("Data/Testing/derivative_2d_xyz.pt"), std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(whole), std::istreambuf_iterator<char>()};
  const std::string truncated = folder.file("truncated.pt");
  std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  for (const auto& path : {text, truncated}) {
    try {
      skipseg::modelDescriptionInArchive(path);
      FAIL() << path << " was accepted";
    } catch (const skipseg::Error& error) {
      EXPECT_EQ(error.code(), skipseg::ExitCode::BadInput);
      EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
    }
  }
}

}  // namespace
