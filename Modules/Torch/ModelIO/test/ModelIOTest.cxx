// Model loading against the upstream fixtures: nnU-Net v2 folder and TorchScript logits reproduced,
// checkpoints recorded on cuda:0 loaded on the CPU, one-line errors, and SkipSeg model files that
// reload bit for bit.
#include "skipseg/core/Error.h"
#include "skipseg/model/NnUNetImport.h"
#include "skipseg/model/SegmentationModel.h"
#include "skipseg/model/SkipSegModelFile.h"
#include "skipseg/model/TorchPickle.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <ATen/ATen.h>
#include <caffe2/serialize/inline_container.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using skipseg::ExitCode;
using namespace skipseg::model;

namespace {

at::Tensor readTensor(const std::string& path, std::vector<int64_t> shape) {
  auto values = skipseg::testing::readRawFloat32(path);
  return at::from_blob(values.data(), shape, at::kFloat).clone();
}

double maxAbsDifference(const at::Tensor& a, const at::Tensor& b) {
  return (a - b).abs().max().item<double>();
}

// Runs `body` and returns the skipseg::Error it throws (fails the test when none is thrown).
template <typename Body>
skipseg::Error errorOf(Body body) {
  try {
    body();
  } catch (const skipseg::Error& error) {
    return error;
  }
  ADD_FAILURE() << "no skipseg::Error thrown";
  return skipseg::Error(ExitCode::Ok, "");
}

void copyFixtureFolder(const std::string& from, const std::string& to) {
  fs::create_directories(to);
  for (const auto* name : {"dataset.json", "plans.json"}) {
    fs::copy_file(fs::path(from) / name, fs::path(to) / name);
  }
  fs::create_directories(fs::path(to) / "fold_0");
  fs::copy_file(fs::path(from) / "fold_0" / "checkpoint_final.pth", fs::path(to) / "fold_0" / "checkpoint_final.pth");
}

// Rewrites a torch.save zip with every storage location "cpu" replaced by "cuda:0", as a checkpoint
// saved on a GPU records them.
void rewriteLocationsToCuda(const std::string& from, const std::string& to) {
  caffe2::serialize::PyTorchStreamReader reader(from);
  std::ofstream file(to, std::ios::binary);
  caffe2::serialize::PyTorchStreamWriter writer([&](const void* data, size_t size) -> size_t {
    file.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    return size;
  });
  for (const auto& name : reader.getAllRecords()) {
    if (name == "version" || name == ".data/version" || name == ".data/serialization_id") {
      continue;  // written by the writer itself
    }
    at::DataPtr data;
    size_t size = 0;
    std::tie(data, size) = reader.getRecord(name);
    std::string bytes(static_cast<const char*>(data.get()), size);
    if (name == "data.pkl") {
      const std::string cpu(
          "X\x03\x00\x00\x00"
          "cpu",
          8),
          cuda(
              "X\x06\x00\x00\x00"
              "cuda:0",
              11);
      size_t replaced = 0;
      for (auto at = bytes.find(cpu); at != std::string::npos; at = bytes.find(cpu, at + cuda.size())) {
        bytes.replace(at, cpu.size(), cuda);
        ++replaced;
      }
      ASSERT_GT(replaced, 0u);
    }
    writer.writeRecord(name, bytes.data(), bytes.size());
  }
  writer.writeEndOfFile();
}

}  // namespace

TEST(NnUNetImport, ReproducesTheReferenceLogits) {
  SKIPSEG_REQUIRE_FIXTURE(folder, "nnunet_v2_plain3d");
  auto models = loadSegmentationModels(folder);
  ASSERT_EQ(models.size(), 1u);
  auto& model = *models.front();
  EXPECT_EQ(model.kind(), "nnunet");
  const auto input = readTensor(folder + "/reference/input_patch.bin", {1, 1, 32, 48, 48});
  const auto reference = readTensor(folder + "/reference/logits.bin", {1, 3, 32, 48, 48});
  const auto logits = model.forward(input);
  ASSERT_EQ(logits.sizes(), reference.sizes());
  const double difference = maxAbsDifference(logits, reference);
  RecordProperty("max_abs_difference", std::to_string(difference));
  std::cout << "nnU-Net fixture: max abs logit difference " << difference << "\n";
  EXPECT_LT(difference, 1e-4);
}

TEST(NnUNetImport, MirroringOverTheAllowedAxesReproducesTheReferenceTta) {
  SKIPSEG_REQUIRE_FIXTURE(folder, "nnunet_v2_plain3d");
  auto models = loadSegmentationModels(folder);
  auto& model = *models.front();
  ASSERT_EQ(model.description().mirrorAxes, (std::vector<int>{0, 1, 2}));
  const auto input = readTensor(folder + "/reference/input_patch.bin", {1, 1, 32, 48, 48});
  const auto reference = readTensor(folder + "/reference/logits_mirror_tta.bin", {1, 3, 32, 48, 48});
  at::Tensor sum = at::zeros_like(reference);
  for (int mask = 0; mask < 8; ++mask) {
    std::vector<int64_t> axes;
    for (int axis = 0; axis < 3; ++axis) {
      if (mask & (1 << axis)) {
        axes.push_back(axis + 2);
      }
    }
    sum += axes.empty() ? model.forward(input) : model.forward(input.flip(axes)).flip(axes);
  }
  EXPECT_LT(maxAbsDifference(sum / 8, reference), 1e-4);
}

TEST(NnUNetImport, DescribesThePlansPreprocessing) {
  SKIPSEG_REQUIRE_FIXTURE(folder, "nnunet_v2_plain3d");
  const auto imported = importNnUNetFolder(folder);
  ASSERT_EQ(imported.size(), 1u);
  const auto& description = imported.front().description;
  EXPECT_EQ(imported.front().name, "fold_0");
  EXPECT_EQ(description.axisOrder, "zyx");
  EXPECT_TRUE(description.orientation.empty());
  EXPECT_TRUE(description.cropToNonZero);
  EXPECT_EQ(description.spacing, (std::array<double, 3>{3.0, 3.0, 3.0}));
  EXPECT_EQ(description.patchSize, (std::vector<int>{32, 48, 48}));
  ASSERT_EQ(description.normalization.size(), 1u);
  const auto& ct = description.normalization.front();
  EXPECT_EQ(ct.scheme, skipseg::NormalizationSpec::Scheme::Ct);
  EXPECT_DOUBLE_EQ(ct.clipLow, -31.0);
  EXPECT_DOUBLE_EQ(ct.clipHigh, 81.0);
  EXPECT_NEAR(ct.mean, 43.381351470947266, 1e-12);
  EXPECT_NEAR(ct.std, 18.49924659729004, 1e-12);
  ASSERT_EQ(description.labels.size(), 3u);
  EXPECT_EQ(description.labels[1].name, "liver");
  EXPECT_EQ(description.labels[2].id, 2);
  EXPECT_EQ(description.provenance.value("trainer", ""), "nnUNetTrainer");
  int64_t parameters = 0;
  for (const auto& parameter : imported.front().network->parameters()) {
    parameters += parameter.numel();
  }
  EXPECT_EQ(parameters, 351329);  // the fixture README's count
}

TEST(TorchPickle, ReadsNumpyScalarsDevicesAndTrainingLogs) {
  SKIPSEG_REQUIRE_FIXTURE(checkpointPath, "nnunet_v2_plain3d/fold_0/checkpoint_final.pth");
  const auto checkpoint = readTorchCheckpoint(checkpointPath);
  const auto& root = *checkpoint.root;
  ASSERT_NE(root.find("_best_ema"), nullptr);
  EXPECT_EQ(root.find("_best_ema")->kind, PickleValue::Kind::Float);
  EXPECT_NEAR(root.find("_best_ema")->number, 0.398167, 1e-6);
  EXPECT_EQ(root.find("current_epoch")->integer, 4);
  EXPECT_EQ(root.find("init_args")->find("device")->kind, PickleValue::Kind::Device);
  EXPECT_EQ(root.find("init_args")->find("device")->text, "cpu");
  EXPECT_EQ(root.find("network_weights")->items.size(), 2u * 188u);
  const auto* losses = root.find("logging")->find("train_losses");
  ASSERT_NE(losses, nullptr);
  EXPECT_EQ(losses->items.size(), 4u);
  EXPECT_EQ(losses->items.front()->kind, PickleValue::Kind::Float);
  EXPECT_EQ(checkpoint.storageLocations, (std::vector<std::string>{"cpu"}));
}

TEST(NnUNetImport, CheckpointSavedOnCudaLoadsOnTheCpu) {
  SKIPSEG_REQUIRE_FIXTURE(folder, "nnunet_v2_plain3d");
  skipseg::testing::TemporaryDirectory temporary;
  const std::string copy = temporary.file("Dataset801");
  copyFixtureFolder(folder, copy);
  const std::string checkpoint = copy + "/fold_0/checkpoint_final.pth";
  fs::remove(checkpoint);
  rewriteLocationsToCuda(folder + "/fold_0/checkpoint_final.pth", checkpoint);
  EXPECT_EQ(readTorchCheckpoint(checkpoint).storageLocations, (std::vector<std::string>{"cuda:0"}));

  auto models = loadSegmentationModels(copy);
  ASSERT_EQ(models.size(), 1u);
  const auto input = readTensor(folder + "/reference/input_patch.bin", {1, 1, 32, 48, 48});
  const auto reference = readTensor(folder + "/reference/logits.bin", {1, 3, 32, 48, 48});
  EXPECT_LT(maxAbsDifference(models.front()->forward(input), reference), 1e-4);
}

TEST(NnUNetImport, MissingFoldCorruptCheckpointAndMissingPlansAreOneLineErrors) {
  SKIPSEG_REQUIRE_FIXTURE(folder, "nnunet_v2_plain3d");
  skipseg::testing::TemporaryDirectory temporary;
  const std::string copy = temporary.file("model");
  copyFixtureFolder(folder, copy);

  LoadOptions fold3;
  fold3.folds = {3};
  auto error = errorOf([&] { loadSegmentationModels(copy, fold3); });
  EXPECT_EQ(error.code(), ExitCode::BadInput);
  EXPECT_NE(std::string(error.what()).find("fold_3"), std::string::npos) << error.what();

  const std::string checkpoint = copy + "/fold_0/checkpoint_final.pth";
  fs::resize_file(checkpoint, fs::file_size(checkpoint) / 2);
  error = errorOf([&] { loadSegmentationModels(copy); });
  EXPECT_EQ(error.code(), ExitCode::BadInput);
  EXPECT_NE(std::string(error.what()).find(checkpoint), std::string::npos) << error.what();
  EXPECT_EQ(std::string(error.what()).find('\n'), std::string::npos) << error.what();

  fs::remove(copy + "/plans.json");
  error = errorOf([&] { loadSegmentationModels(copy); });
  EXPECT_EQ(error.code(), ExitCode::BadInput);
  EXPECT_NE(std::string(error.what()).find(copy + "/plans.json"), std::string::npos) << error.what();
}

TEST(SkipSegModelFile, SaveAndReloadIsBitIdentical) {
  SKIPSEG_REQUIRE_FIXTURE(folder, "nnunet_v2_plain3d");
  auto imported = importNnUNetFolder(folder);
  skipseg::testing::TemporaryDirectory temporary;
  const std::string path = temporary.file("liver.ssm");
  saveSkipSegModel(path, *imported.front().network, imported.front().description);
  EXPECT_TRUE(looksLikeSkipSegModel(path));
  EXPECT_EQ(temporary.listing(), "liver.ssm");  // no temporary left behind

  auto reloaded = readSkipSegModel(path);
  ASSERT_EQ(reloaded.size(), 1u);
  const auto original = imported.front().network->named_parameters(true);
  const auto copy = reloaded.front().network->named_parameters(true);
  ASSERT_EQ(original.size(), copy.size());
  for (const auto& item : original) {
    const auto* other = copy.find(item.key());
    ASSERT_NE(other, nullptr) << item.key();
    EXPECT_TRUE(at::equal(item.value(), *other)) << item.key();
  }
  EXPECT_EQ(reloaded.front().description.toJson()["labels"], imported.front().description.toJson()["labels"]);
  EXPECT_EQ(reloaded.front().description.patchSize, imported.front().description.patchSize);
  EXPECT_EQ(reloaded.front().description.provenance.value("configuration", ""), "3d_fullres");

  auto models = loadSegmentationModels(path);
  ASSERT_EQ(models.size(), 1u);
  EXPECT_EQ(models.front()->kind(), "skipseg");
  const auto input = at::randn({1, 1, 32, 48, 48});
  torch::NoGradGuard noGradients;
  EXPECT_TRUE(at::equal(models.front()->forward(input), imported.front().network->forward(input)));
}

TEST(SkipSegModelFile, EnsemblesHoldOneMemberPerFold) {
  SKIPSEG_REQUIRE_FIXTURE(folder, "nnunet_v2_plain3d");
  auto imported = importNnUNetFolder(folder);
  skipseg::testing::TemporaryDirectory temporary;
  const std::string path = temporary.file("ensemble.ssm");
  saveSkipSegModel(path, {{"fold_0", imported.front().network.get()}, {"fold_0_again", imported.front().network.get()}},
                   imported.front().description);
  EXPECT_EQ(loadSegmentationModels(path).size(), 2u);
}

TEST(SkipSegModelFile, TruncatedFileIsBadInput) {
  SKIPSEG_REQUIRE_FIXTURE(folder, "nnunet_v2_plain3d");
  auto imported = importNnUNetFolder(folder);
  skipseg::testing::TemporaryDirectory temporary;
  const std::string path = temporary.file("broken.ssm");
  saveSkipSegModel(path, *imported.front().network, imported.front().description);
  fs::resize_file(path, fs::file_size(path) - 4000);
  const auto error = errorOf([&] { loadSegmentationModels(path); });
  EXPECT_EQ(error.code(), ExitCode::BadInput);
  EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
}

TEST(TorchScriptModel, ReproducesTheReferenceLogitsWithAndWithoutOptimisation) {
  SKIPSEG_REQUIRE_FIXTURE(folder, "torchscript_unet3d");
  const auto input = readTensor(folder + "/reference/input_patch.bin", {1, 1, 64, 64, 64});
  const auto reference = readTensor(folder + "/reference/logits.bin", {1, 3, 64, 64, 64});
  for (const bool optimize : {true, false}) {
    LoadOptions options;
    options.optimizeForInference = optimize;
    auto models = loadSegmentationModels(folder + "/model.pt", options);
    ASSERT_EQ(models.size(), 1u);
    EXPECT_EQ(models.front()->kind(), "torchscript");
    const auto& description = models.front()->description();
    EXPECT_EQ(description.axisOrder, "xyz");
    EXPECT_EQ(description.orientation, "RAS");
    EXPECT_EQ(description.patchSize, (std::vector<int>{64, 64, 64}));
    EXPECT_EQ(description.labels.at(2).name, "spleen");
    const double difference = maxAbsDifference(models.front()->forward(input), reference);
    std::cout << "TorchScript fixture (optimised " << optimize << "): max abs logit difference " << difference << "\n";
    EXPECT_LT(difference, 1e-4);
  }
}

// bfloat16 on the CPU: both model kinds, each with transposed convolutions in its decoder (which
// LibTorch 1.13's CPU kernel cannot run in bfloat16; SkipSeg routes them through float32), give the
// upstream reference's labels on nearly every voxel.
TEST(CpuBFloat16, TorchScriptAndNnUNetModelsRunAndKeepTheReferenceLabels) {
  SKIPSEG_REQUIRE_FIXTURE(torchscript, "torchscript_unet3d");
  SKIPSEG_REQUIRE_FIXTURE(nnunet, "nnunet_v2_plain3d");
  struct Case {
    std::string model, reference;
    std::vector<int64_t> input, output;
  };
  for (const Case& item : {Case{torchscript + "/model.pt", torchscript, {1, 1, 64, 64, 64}, {1, 3, 64, 64, 64}},
                           Case{nnunet, nnunet, {1, 1, 32, 48, 48}, {1, 3, 32, 48, 48}}}) {
    SCOPED_TRACE(item.model);
    auto models = loadSegmentationModels(item.model);
    models.front()->moveTo(c10::Device(c10::kCPU), at::kBFloat16);
    const auto input = readTensor(item.reference + "/reference/input_patch.bin", item.input);
    const auto reference = readTensor(item.reference + "/reference/logits.bin", item.output);
    const auto logits = models.front()->forward(input);
    ASSERT_EQ(logits.scalar_type(), at::kFloat);
    const double agreement = logits.argmax(1).eq(reference.argmax(1)).to(at::kDouble).mean().item<double>();
    std::cout << "bfloat16 on the CPU: max abs logit difference " << maxAbsDifference(logits, reference)
              << ", labels agreeing " << agreement << "\n";
    EXPECT_GT(agreement, 0.99);
    EXPECT_LT(maxAbsDifference(logits, reference), 0.5);  // bfloat16 keeps ~3 significant digits
  }
}

TEST(LoadSegmentationModels, NamesTheFileWhenItIsNoModel) {
  skipseg::testing::TemporaryDirectory temporary;
  const std::string text = temporary.file("notes.txt");
  std::ofstream(text) << "not a model";
  auto error = errorOf([&] { loadSegmentationModels(text); });
  EXPECT_EQ(error.code(), ExitCode::BadInput);
  EXPECT_EQ(std::string(error.what()).rfind(text, 0), 0u) << error.what();
  error = errorOf([&] { loadSegmentationModels(temporary.file("missing.ssm")); });
  EXPECT_EQ(error.code(), ExitCode::BadInput);
}

// On a GPU machine: the imported nnU-Net model and the TorchScript model moved to CUDA reproduce the
// CPU references (TF32 off: it would round the convolutions to 10-bit mantissas), and float16 stays close.
TEST(CudaModels, NnUNetAndTorchScriptReproduceTheReferencesOnTheGpu) {
  if (!at::hasCUDA()) {
    GTEST_SKIP() << "no CUDA device";
  }
  SKIPSEG_REQUIRE_FIXTURE(nnunet, "nnunet_v2_plain3d");
  SKIPSEG_REQUIRE_FIXTURE(torchscript, "torchscript_unet3d");
  at::globalContext().setAllowTF32CuDNN(false);
  const c10::Device cuda(c10::kCUDA, 0);

  auto models = loadSegmentationModels(nnunet);
  const auto input = readTensor(nnunet + "/reference/input_patch.bin", {1, 1, 32, 48, 48});
  const auto reference = readTensor(nnunet + "/reference/logits.bin", {1, 3, 32, 48, 48});
  models.front()->moveTo(cuda, at::kFloat);
  const auto logits = models.front()->forward(input);
  EXPECT_TRUE(logits.is_cuda());
  const double difference = maxAbsDifference(logits.cpu(), reference);
  std::cout << "nnU-Net fixture on CUDA float32: max abs logit difference " << difference << "\n";
  EXPECT_LT(difference, 1e-4);
  models.front()->moveTo(cuda, at::kHalf);
  const double halfDifference = maxAbsDifference(models.front()->forward(input).cpu(), reference);
  std::cout << "nnU-Net fixture on CUDA float16: max abs logit difference " << halfDifference << "\n";
  EXPECT_LT(halfDifference, 0.1);  // max |logit| is 7.9; float16 keeps ~3 decimal digits

  auto scripted = loadSegmentationModels(torchscript + "/model.pt");
  scripted.front()->moveTo(cuda, at::kFloat);
  const auto scriptInput = readTensor(torchscript + "/reference/input_patch.bin", {1, 1, 64, 64, 64});
  const auto scriptReference = readTensor(torchscript + "/reference/logits.bin", {1, 3, 64, 64, 64});
  const double scriptDifference = maxAbsDifference(scripted.front()->forward(scriptInput).cpu(), scriptReference);
  std::cout << "TorchScript fixture on CUDA float32: max abs logit difference " << scriptDifference << "\n";
  EXPECT_LT(scriptDifference, 1e-4);
}
