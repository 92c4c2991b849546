#include "skipseg/core/Error.h"
#include "skipseg/core/JsonFile.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <gtest/gtest.h>

#include <fstream>

namespace {

TEST(JsonFile, RoundTrip) {
  skipseg::testing::TemporaryDirectory folder;
  skipseg::Json value = {{"spacing", {1.5, 1.5, 3.0}}, {"name", "liver"}};
  skipseg::writeJsonFile(folder.file("a.json"), value);
  EXPECT_EQ(skipseg::readJsonFile(folder.file("a.json")), value);
}

TEST(JsonFile, InvalidJsonNamesTheFile) {
  skipseg::testing::TemporaryDirectory folder;
  std::ofstream(folder.file("bad.json")) << "{\"a\": ";
  try {
    skipseg::readJsonFile(folder.file("bad.json"));
    FAIL();
  } catch (const skipseg::Error& error) {
    EXPECT_EQ(error.code(), skipseg::ExitCode::BadInput);
    EXPECT_EQ(std::string(error.what()).rfind(folder.file("bad.json") + ": not valid JSON", 0), 0u) << error.what();
  }
}

TEST(JsonFile, MissingKeyNamesSourceAndKey) {
  const skipseg::Json object = {{"a", 1}};
  try {
    skipseg::requireJsonValue<int>(object, "b", "plans.json");
    FAIL();
  } catch (const skipseg::Error& error) {
    EXPECT_STREQ(error.what(), "plans.json: missing key \"b\"");
  }
}

}  // namespace
