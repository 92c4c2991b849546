// TorchScript export of SkipSeg's networks: every architecture, 2D and 3D, traced into a file that
// torch::jit::load reads back and that gives the .ssm model's logits; folds become one module returning
// their mean logits; a network whose forward tracing cannot capture is refused and nothing is written.
#include "skipseg/core/Error.h"
#include "skipseg/model/NnUNetImport.h"
#include "skipseg/model/SegmentationModel.h"
#include "skipseg/model/SkipSegModelFile.h"
#include "skipseg/model/TorchScriptExport.h"
#include "skipseg/nn/SegmentationNetwork.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/csrc/jit/serialization/import.h>
#include <torch/nn/modules/conv.h>

#include <filesystem>

namespace fs = std::filesystem;
using namespace skipseg::model;

namespace {

/// A small configuration of each architecture SkipSeg trains (nnU-Net's come from the fixture).
nlohmann::json smallConfiguration(const std::string& architecture, int dims) {
  nlohmann::json configuration = {
      {"architecture", architecture}, {"spatial_dims", dims}, {"in_channels", 1}, {"out_channels", 3},
      {"base_features", 4},           {"depth", 2},           {"seed", 5}};
  if (architecture == "transunet") {
    configuration["image_size"] = std::vector<int64_t>(dims, 16);
    configuration["hidden_size"] = 16;
    configuration["num_layers"] = 2;
    configuration["num_heads"] = 2;
    configuration["norm"] = "instance";
  }
  if (architecture.rfind("nnunet", 0) == 0) {
    configuration = {{"architecture", architecture},     {"in_channels", 1},          {"num_classes", 3},
                     {"features_per_stage", {4, 8, 16}}, {"kernel_sizes", {3, 3, 3}}, {"strides", {1, 2, 2}}};
    if (architecture == "nnunet_resenc") {
      configuration["n_blocks_per_stage"] = {1, 2, 2};
      configuration["n_conv_per_stage_decoder"] = 1;
    }
  }
  return configuration;
}

/// The fixture's description (labels, normalisation) with the patch size of a 16-voxel cube or square.
skipseg::ModelDescription descriptionFor(const skipseg::ModelDescription& fixture, int dims) {
  skipseg::ModelDescription description = fixture;
  description.spatialDims = dims;
  description.patchSize.assign(static_cast<std::size_t>(dims), 16);
  description.mirrorAxes.clear();  // every spatial axis
  return description;
}

/// Loads the export as any TorchScript user would and compares it with the .ssm model's logits.
double exportedAgainstSsm(const std::string& ssm, const std::string& exported, const std::vector<int64_t>& shape) {
  auto members = readSkipSegModel(ssm);
  torch::jit::Module module = torch::jit::load(exported, c10::Device(c10::kCPU));
  torch::NoGradGuard noGradients;
  const at::Tensor input = at::randn(shape);
  at::Tensor expected;
  for (const auto& member : members) {
    const at::Tensor logits = member.network->forward(input);
    expected = expected.defined() ? expected + logits : logits;
  }
  expected = expected / static_cast<double>(members.size());
  return (module.forward({input}).toTensor() - expected).abs().max().item<double>();
}

TEST(TorchScriptExport, EveryArchitectureReproducesItsSsmLogits) {
  SKIPSEG_REQUIRE_FIXTURE(folder, "nnunet_v2_plain3d");
  const auto fixtureDescription = importNnUNetFolder(folder).front().description;
  skipseg::testing::TemporaryDirectory temporary;
  int exported = 0;
  for (const std::string& architecture : skipseg::nn::registeredArchitectures()) {
    for (const int dims : {2, 3}) {
      if (architecture.rfind("nnunet", 0) == 0 && dims == 2) {
        continue;  // SkipSeg's nnU-Net networks are 3D only (their kernels take 3 sizes)
      }
      SCOPED_TRACE(architecture + " " + std::to_string(dims) + "D");
      auto network = skipseg::nn::createNetwork(smallConfiguration(architecture, dims));
      const std::string ssm = temporary.file(architecture + std::to_string(dims) + ".ssm");
      const std::string pt = temporary.file(architecture + std::to_string(dims) + ".pt");
      saveSkipSegModel(ssm, *network, descriptionFor(fixtureDescription, dims));
      ASSERT_NO_THROW(exportTorchScript(pt, readSkipSegModel(ssm), ssm));
      std::vector<int64_t> shape{3, 1};  // a tile batch the trace never saw
      shape.insert(shape.end(), static_cast<std::size_t>(dims), 16);
      EXPECT_LT(exportedAgainstSsm(ssm, pt, shape), 1e-5);
      // SkipSeg runs the export like any TorchScript model (frozen and optimised).
      auto models = loadSegmentationModels(pt);
      ASSERT_EQ(models.size(), 1u);
      EXPECT_EQ(models.front()->kind(), "torchscript");
      EXPECT_EQ(models.front()->description().patchSize, descriptionFor(fixtureDescription, dims).patchSize);
      EXPECT_EQ(models.front()->description().provenance.value("exported_from", ""), ssm);
      ++exported;
    }
  }
  EXPECT_EQ(exported, 10);  // unet, resunet, unetpp, transunet in 2D and 3D; nnunet, nnunet_resenc in 3D
}

TEST(TorchScriptExport, NnUNetFoldsBecomeOneModuleAveragingTheirLogits) {
  SKIPSEG_REQUIRE_FIXTURE(folder, "nnunet_v2_plain3d");
  auto imported = importNnUNetFolder(folder);
  // A second fold with other weights: the first fold's network rebuilt with another seed.
  auto configuration = imported.front().network->configuration();
  configuration["seed"] = 3;
  ImportedNetwork second{skipseg::nn::createNetwork(configuration), imported.front().description, "fold_1"};
  skipseg::testing::TemporaryDirectory temporary;
  const std::string ssm = temporary.file("folds.ssm");
  saveSkipSegModel(ssm, {{"fold_0", imported.front().network.get()}, {"fold_1", second.network.get()}},
                   imported.front().description);
  const std::string pt = temporary.file("folds.pt");
  const auto report = exportTorchScript(pt, readSkipSegModel(ssm), ssm);
  EXPECT_GT(report.tracedNodes, 0);
  EXPECT_LT(exportedAgainstSsm(ssm, pt, {2, 1, 32, 48, 48}), 1e-5);

  // The single fold against nnU-Net's own reference logits, through the export.
  const std::string single = temporary.file("fold0.pt");
  exportTorchScript(single, {imported.front()}, folder);
  torch::jit::Module module = torch::jit::load(single, c10::Device(c10::kCPU));
  auto input = skipseg::testing::readRawFloat32(folder + "/reference/input_patch.bin");
  auto logits = skipseg::testing::readRawFloat32(folder + "/reference/logits.bin");
  torch::NoGradGuard noGradients;
  const at::Tensor output =
      module.forward({at::from_blob(input.data(), {1, 1, 32, 48, 48}, at::kFloat).clone()}).toTensor();
  const at::Tensor reference = at::from_blob(logits.data(), {1, 3, 32, 48, 48}, at::kFloat);
  EXPECT_LT((output - reference).abs().max().item<double>(), 1e-4);
}

/// Networks whose forward branches in C++ on what tracing cannot see: the input's values, or its size.
class BranchingNetwork : public skipseg::nn::SegmentationNetwork {
 public:
  explicit BranchingNetwork(bool onValues) : onValues_(onValues) {
    convolution = register_module("convolution", torch::nn::Conv3d(1, 3, 1));
  }
  torch::Tensor forward(const torch::Tensor& input) override {
    const torch::Tensor logits = convolution->forward(input);
    const bool first = onValues_ ? input.mean().item<double>() > 0 : input.size(0) == 1;
    return first ? logits : -logits;
  }
  nlohmann::json configuration() const override { return {{"architecture", "test_branching"}}; }
  torch::nn::Conv3d convolution{nullptr};

 private:
  bool onValues_;
};

TEST(TorchScriptExport, ANetworkTracingCannotCaptureIsRefusedAndNothingIsWritten) {
  SKIPSEG_REQUIRE_FIXTURE(folder, "nnunet_v2_plain3d");
  auto description = importNnUNetFolder(folder).front().description;
  description.patchSize = {8, 8, 8};
  skipseg::testing::TemporaryDirectory temporary;
  for (const bool onValues : {true, false}) {
    SCOPED_TRACE(onValues ? "branch on values" : "branch on the batch size");
    ImportedNetwork entry{std::make_shared<BranchingNetwork>(onValues), description, "model"};
    const std::string path = temporary.file("refused.pt");
    const auto error = [&]() -> std::string {
      try {
        exportTorchScript(path, {entry}, "branching.ssm");
      } catch (const skipseg::Error& error) {
        EXPECT_EQ(error.code(), skipseg::ExitCode::Unsupported);
        return error.what();
      }
      return "";
    }();
    EXPECT_EQ(error.rfind("branching.ssm: cannot be exported to TorchScript", 0), 0u) << error;
    EXPECT_FALSE(fs::exists(path));
    EXPECT_EQ(temporary.listing(), "");  // no temporary left behind either
  }
}

}  // namespace
