// skipseg-model in-process: summary, nnU-Net import to .ssm, export to TorchScript, exit codes.
#include "skipseg/model/SegmentationModel.h"
#include "skipseg/programs/ModelProgram.h"
#include "skipseg/testing/RunProgram.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

using skipseg::programs::modelMain;

TEST(ModelProgram, SummaryDescribesAnNnUNetFolder) {
  SKIPSEG_REQUIRE_FIXTURE(folder, "nnunet_v2_plain3d");
  testing::internal::CaptureStdout();
  const int exitCode = modelMain({"summary", folder});
  const std::string output = testing::internal::GetCapturedStdout();
  ASSERT_EQ(exitCode, 0);
  const auto report = nlohmann::json::parse(output);
  EXPECT_EQ(report["kind"], "nnunet");
  EXPECT_EQ(report["description"]["axis_order"], "zyx");
  ASSERT_EQ(report["networks"].size(), 1u);
  EXPECT_EQ(report["networks"][0]["configuration"]["architecture"], "nnunet");
  EXPECT_EQ(report["networks"][0]["summary"]["parameters"], 351329);
  EXPECT_EQ(report["networks"][0]["summary"]["output_shape"], nlohmann::json({1, 3, 32, 48, 48}));
  EXPECT_GT(report["networks"][0]["summary"]["flops"].get<double>(), 0);
}

TEST(ModelProgram, ImportWritesOneSsmThatLoads) {
  SKIPSEG_REQUIRE_FIXTURE(folder, "nnunet_v2_plain3d");
  skipseg::testing::TemporaryDirectory temporary;
  const std::string output = temporary.file("liver.ssm");
  ASSERT_EQ(modelMain({"import", folder, output, "--folds", "0"}), 0);
  auto models = skipseg::model::loadSegmentationModels(output);
  ASSERT_EQ(models.size(), 1u);
  EXPECT_EQ(models.front()->kind(), "skipseg");
  EXPECT_EQ(models.front()->description().provenance.value("fold", ""), "fold_0");

  testing::internal::CaptureStdout();
  EXPECT_EQ(modelMain({"summary", output}), 0);
  const auto report = nlohmann::json::parse(testing::internal::GetCapturedStdout());
  EXPECT_EQ(report["kind"], "skipseg");
}

TEST(ModelProgram, ExportWritesTorchScriptThatLoadsAndBadInputsHaveTheirExitCodes) {
  SKIPSEG_REQUIRE_FIXTURE(folder, "nnunet_v2_plain3d");
  SKIPSEG_REQUIRE_FIXTURE(torchscript, "torchscript_unet3d/model.pt");
  skipseg::testing::TemporaryDirectory temporary;
  ASSERT_EQ(modelMain({"export", folder, temporary.file("model.pt"), "--log-level", "warning"}), 0);
  auto models = skipseg::model::loadSegmentationModels(temporary.file("model.pt"));
  ASSERT_EQ(models.size(), 1u);
  EXPECT_EQ(models.front()->kind(), "torchscript");
  EXPECT_EQ(models.front()->description().axisOrder, "zyx");
  EXPECT_EQ(temporary.listing(), "model.pt");

  // A TorchScript file is one already; export needs somewhere to write.
  EXPECT_EQ(modelMain({"export", torchscript, temporary.file("again.pt")}), 5);
  EXPECT_EQ(modelMain({"export", folder}), 2);
  EXPECT_EQ(temporary.listing(), "model.pt");
  EXPECT_EQ(modelMain({"summary", temporary.file("missing.ssm")}), 3);
  EXPECT_EQ(modelMain({"export", temporary.file("missing.ssm"), temporary.file("x.pt")}), 3);
  EXPECT_EQ(modelMain({"import", folder, temporary.file("x.ssm"), "--folds", "7"}), 3);
  EXPECT_EQ(temporary.listing(), "model.pt");
  EXPECT_EQ(modelMain({"inspect", folder}), 2);
}

TEST(ModelProgram, SummaryOfTorchScriptCountsParametersAndNamesMismatchAreRefused) {
  SKIPSEG_REQUIRE_FIXTURE(folder, "nnunet_v2_plain3d");
  SKIPSEG_REQUIRE_FIXTURE(torchscript, "torchscript_unet3d/model.pt");
  testing::internal::CaptureStdout();
  ASSERT_EQ(modelMain({"summary", torchscript}), 0);
  const auto report = nlohmann::json::parse(testing::internal::GetCapturedStdout());
  EXPECT_EQ(report["kind"], "torchscript");
  EXPECT_GT(report["parameters"].get<int64_t>(), 0);

  skipseg::testing::TemporaryDirectory temporary;
  EXPECT_EQ(modelMain({"import", folder, temporary.file("model.pt")}), 2);   // import writes .ssm files
  EXPECT_EQ(modelMain({"export", folder, temporary.file("model.ssm")}), 2);  // export writes TorchScript
  EXPECT_EQ(temporary.listing(), "");
}

TEST(ModelProgram, RealCommandLineReportsOneLineErrors) {
  if (!std::filesystem::exists(skipseg::testing::binaryDir() + "/skipseg-model")) {
    if (skipseg::testing::runningUnderCi()) {
      FAIL() << "skipseg-model was not built";
    }
    GTEST_SKIP() << "skipseg-model not built";
  }
  skipseg::testing::TemporaryDirectory temporary;
  const auto result = skipseg::testing::runProgram("skipseg-model", {"summary", temporary.file("none.ssm")});
  EXPECT_EQ(result.exitCode, 3);
  EXPECT_NE(result.standardError.find("skipseg-model: error: " + temporary.file("none.ssm")), std::string::npos)
      << result.standardError;
}
