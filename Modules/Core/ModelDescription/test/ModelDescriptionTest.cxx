#include "skipseg/core/Error.h"
#include "skipseg/core/ModelDescription.h"

#include <gtest/gtest.h>

namespace {

const char* kFixtureJson =
    R"({"format": "skipseg-torchscript/1", "spatial_dims": 3, "in_channels": 1, "axis_order": "xyz",
 "orientation": "RAS", "spacing": [3.0, 3.0, 3.0], "patch_size": [64, 64, 64],
 "normalization": {"scheme": "scale", "a_min": -200, "a_max": 300, "b_min": 0.0, "b_max": 1.0, "clip": true},
 "output": "logits", "labels": {"0": "background", "1": "liver", "2": "spleen"}})";

TEST(ModelDescription, ReadsTheTorchScriptFixtureKeys) {
  const auto description = skipseg::ModelDescription::fromJson(skipseg::Json::parse(kFixtureJson), "model.pt");
  EXPECT_EQ(description.orientation, "RAS");
  EXPECT_EQ(description.patchSize, (std::vector<int>{64, 64, 64}));
  ASSERT_EQ(description.normalization.size(), 1u);
  EXPECT_EQ(description.normalization[0].scheme, skipseg::NormalizationSpec::Scheme::Scale);
  EXPECT_DOUBLE_EQ(description.normalization[0].aMin, -200);
  EXPECT_TRUE(description.normalization[0].clip);
  ASSERT_EQ(description.classCount(), 3);
  EXPECT_EQ(description.labels[2].name, "spleen");
}

TEST(ModelDescription, JsonRoundTripKeepsEverything) {
  auto description = skipseg::ModelDescription::fromJson(skipseg::Json::parse(kFixtureJson), "model.pt");
  description.mirrorAxes = {0, 2};
  description.cropToNonZero = true;
  description.interpolation = "linear";
  const auto again = skipseg::ModelDescription::fromJson(description.toJson(), "again");
  EXPECT_EQ(again.toJson(), description.toJson());
  EXPECT_EQ(again.interpolation, "linear");
  EXPECT_TRUE(again.cropToNonZero);
}

// Models written before the key existed were prepared with B-splines (the old fixed default).
TEST(ModelDescription, InterpolationDefaultsToBSplineAndIsChecked) {
  auto json = skipseg::Json::parse(kFixtureJson);
  EXPECT_EQ(skipseg::ModelDescription::fromJson(json, "model.pt").interpolation, "bspline");
  json["interpolation"] = "cubic";
  try {
    skipseg::ModelDescription::fromJson(json, "model.pt");
    FAIL();
  } catch (const skipseg::Error& error) {
    EXPECT_EQ(error.code(), skipseg::ExitCode::BadInput);
    EXPECT_STREQ(error.what(), "model.pt: \"interpolation\" must be \"bspline\", \"linear\" or \"nearest\"");
  }
}

TEST(ModelDescription, BadAxisOrderNamesTheSource) {
  auto json = skipseg::Json::parse(kFixtureJson);
  json["axis_order"] = "yxz";
  try {
    skipseg::ModelDescription::fromJson(json, "model.pt");
    FAIL();
  } catch (const skipseg::Error& error) {
    EXPECT_EQ(error.code(), skipseg::ExitCode::BadInput);
    EXPECT_STREQ(error.what(), "model.pt: \"axis_order\" must be \"xyz\" or \"zyx\", not \"yxz\"");
  }
}

TEST(ModelDescription, PatchSizeMustMatchSpatialDims) {
  auto json = skipseg::Json::parse(kFixtureJson);
  json["spatial_dims"] = 2;
  EXPECT_THROW(skipseg::ModelDescription::fromJson(json, "m"), skipseg::Error);
}

}  // namespace
