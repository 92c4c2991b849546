#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "skipseg/core/Error.h"
#include "skipseg/preprocessing/Normalization.h"
#include "skipseg/preprocessing/PetSuv.h"

namespace skipseg::preprocessing {
namespace {

using Scheme = NormalizationSpec::Scheme;

std::vector<float> normalized(std::vector<float> values, const NormalizationSpec& spec) {
  normalizeIntensities(values.data(), values.size(), spec);
  return values;
}

TEST(Normalization, NoneKeepsValues) {
  EXPECT_EQ(normalized({-1000, 0, 42.5f}, NormalizationSpec{}), (std::vector<float>{-1000, 0, 42.5f}));
}

TEST(Normalization, ZScoreUsesTheImagesMeanAndPopulationStd) {
  NormalizationSpec spec;
  spec.scheme = Scheme::ZScore;
  // mean 2.5, population std sqrt(1.25)
  const auto values = normalized({1, 2, 3, 4}, spec);
  const double std = std::sqrt(1.25);
  EXPECT_NEAR(values[0], -1.5 / std, 1e-6);
  EXPECT_NEAR(values[3], 1.5 / std, 1e-6);
}

TEST(Normalization, ZScoreOnTheNonZeroRegionLeavesZerosAtZero) {
  NormalizationSpec spec;
  spec.scheme = Scheme::ZScore;
  spec.nonZeroRegionOnly = true;
  // statistics of {2, 4, 6}: mean 4, population std sqrt(8/3)
  const auto values = normalized({0, 2, 0, 4, 6}, spec);
  const double std = std::sqrt(8.0 / 3.0);
  EXPECT_EQ(values[0], 0.0f);
  EXPECT_EQ(values[2], 0.0f);
  EXPECT_NEAR(values[1], -2.0 / std, 1e-6);
  EXPECT_NEAR(values[3], 0.0, 1e-6);
  EXPECT_NEAR(values[4], 2.0 / std, 1e-6);
}

TEST(Normalization, ZScoreOfAConstantImageIsZero) {
  NormalizationSpec spec;
  spec.scheme = Scheme::ZScore;
  EXPECT_EQ(normalized({5, 5, 5}, spec), (std::vector<float>{0, 0, 0}));
}

TEST(Normalization, CtClipsThenUsesTheDatasetStatistics) {
  NormalizationSpec spec;
  spec.scheme = Scheme::Ct;
  spec.clipLow = -1000;
  spec.clipHigh = 1000;
  spec.mean = 100;
  spec.std = 200;
  const auto values = normalized({-3024, 300, 3000}, spec);
  EXPECT_NEAR(values[0], (-1000.0 - 100.0) / 200.0, 1e-6);
  EXPECT_NEAR(values[1], 1.0, 1e-6);
  EXPECT_NEAR(values[2], (1000.0 - 100.0) / 200.0, 1e-6);
}

TEST(Normalization, ScaleMapsTheRangeAndClipsOnlyWhenAsked) {
  NormalizationSpec spec;
  spec.scheme = Scheme::Scale;
  spec.aMin = -175;
  spec.aMax = 250;
  spec.bMin = 0;
  spec.bMax = 1;
  const auto unclipped = normalized({-175, 37.5f, 250, 675}, spec);
  EXPECT_NEAR(unclipped[0], 0.0, 1e-6);
  EXPECT_NEAR(unclipped[1], 0.5, 1e-6);
  EXPECT_NEAR(unclipped[2], 1.0, 1e-6);
  EXPECT_NEAR(unclipped[3], 2.0, 1e-6);
  spec.clip = true;
  EXPECT_NEAR(normalized({675}, spec)[0], 1.0, 1e-6);
  EXPECT_NEAR(normalized({-1000}, spec)[0], 0.0, 1e-6);
}

TEST(Normalization, WorksInPlaceOnAnImage) {
  auto image = FloatImage::New();
  image->SetRegions(FloatImage::RegionType(FloatImage::SizeType{{2, 1, 1}}));
  image->Allocate();
  image->GetBufferPointer()[0] = 0;
  image->GetBufferPointer()[1] = 10;
  NormalizationSpec spec;
  spec.scheme = Scheme::ZScore;
  normalizeIntensities(*image, spec);
  EXPECT_NEAR(image->GetBufferPointer()[0], -1.0, 1e-6);
  EXPECT_NEAR(image->GetBufferPointer()[1], 1.0, 1e-6);
}

PetSuvInputs fluorodeoxyglucoseScan() {
  PetSuvInputs inputs;
  inputs.patientWeightKg = 70;
  inputs.injectedDoseBq = 370e6;
  inputs.halfLifeSeconds = 6586.2;  // F-18, 109.77 min
  inputs.injectionTimeSeconds = parseDicomTime("100000");
  inputs.scanStartTimeSeconds = parseDicomTime("112530.00");
  inputs.units = "BQML";
  inputs.decayCorrection = "START";
  return inputs;
}

TEST(PetSuv, StartDecayCorrectionOfAHandComputedCase) {
  // 5130 s after injection: 370 MBq x 2^(-5130 / 6586.2) = 215 639 868 Bq; 70 000 g / that = 3.246153e-4
  const SuvFactor suv = computeSuvFactor(fluorodeoxyglucoseScan());
  ASSERT_TRUE(suv.factor.has_value()) << suv.reason;
  EXPECT_NEAR(*suv.factor, 3.246153e-4, 1e-9);
}

TEST(PetSuv, AdminDecayCorrectionUsesTheDoseAsInjected) {
  PetSuvInputs inputs = fluorodeoxyglucoseScan();
  inputs.decayCorrection = "ADMIN";
  inputs.injectionTimeSeconds.reset();  // not needed
  EXPECT_NEAR(*computeSuvFactor(inputs).factor, 70000.0 / 370e6, 1e-12);
}

TEST(PetSuv, ScanPastMidnightCountsFromTheDayBefore) {
  PetSuvInputs inputs = fluorodeoxyglucoseScan();
  inputs.injectionTimeSeconds = parseDicomTime("233000");
  inputs.scanStartTimeSeconds = parseDicomTime("003000");  // one hour later
  const double dose = 370e6 * std::exp2(-3600.0 / 6586.2);
  EXPECT_NEAR(*computeSuvFactor(inputs).factor, 70000.0 / dose, 1e-12);
}

TEST(PetSuv, GmlIsAlreadySuv) {
  PetSuvInputs inputs;
  inputs.units = "GML";
  EXPECT_EQ(computeSuvFactor(inputs).factor, 1.0);
}

TEST(PetSuv, MissingTagsAreNamed) {
  PetSuvInputs inputs = fluorodeoxyglucoseScan();
  inputs.patientWeightKg.reset();
  EXPECT_FALSE(computeSuvFactor(inputs).factor);
  EXPECT_NE(computeSuvFactor(inputs).reason.find("PatientWeight"), std::string::npos);
  inputs = fluorodeoxyglucoseScan();
  inputs.scanStartTimeSeconds.reset();
  EXPECT_NE(computeSuvFactor(inputs).reason.find("SeriesTime"), std::string::npos);
  inputs = fluorodeoxyglucoseScan();
  inputs.units = "CNTS";
  EXPECT_NE(computeSuvFactor(inputs).reason.find("CNTS"), std::string::npos);
  inputs = fluorodeoxyglucoseScan();
  inputs.decayCorrection = "NONE";
  EXPECT_NE(computeSuvFactor(inputs).reason.find("NONE"), std::string::npos);
}

TEST(PetSuv, ConvertKeepsValuesAsStoredWithoutTagsAndRequireFailsWithOneLine) {
  auto image = FloatImage::New();
  image->SetRegions(FloatImage::RegionType(FloatImage::SizeType{{1, 1, 1}}));
  image->Allocate();
  image->FillBuffer(5000.0f);
  PetSuvInputs inputs = fluorodeoxyglucoseScan();
  inputs.injectedDoseBq.reset();
  EXPECT_FALSE(convertToSuv(*image, inputs, "pet/"));
  EXPECT_EQ(image->GetBufferPointer()[0], 5000.0f);
  try {
    requireSuv(*image, inputs, "pet/");
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::BadInput);
    EXPECT_EQ(std::string(error.what()), "pet/: cannot compute SUV: no RadionuclideTotalDose (0018,1074)");
  }
  EXPECT_TRUE(convertToSuv(*image, fluorodeoxyglucoseScan(), "pet/"));
  EXPECT_NEAR(image->GetBufferPointer()[0], 5000.0 * 3.246153e-4, 1e-5);
}

TEST(ParseDicomTime, ReadsTheTmForms) {
  EXPECT_DOUBLE_EQ(*parseDicomTime("102530.5"), 10 * 3600 + 25 * 60 + 30.5);
  EXPECT_DOUBLE_EQ(*parseDicomTime("1025"), 10 * 3600 + 25 * 60);
  EXPECT_DOUBLE_EQ(*parseDicomTime("10:25:30"), 10 * 3600 + 25 * 60 + 30);
  EXPECT_FALSE(parseDicomTime("").has_value());
  EXPECT_FALSE(parseDicomTime("2561").has_value());
  EXPECT_FALSE(parseDicomTime("ab").has_value());
}

}  // namespace
}  // namespace skipseg::preprocessing
