// The Predictor with real models from the fixtures: the probabilities it returns are the softmax of
// the logits the original code gives (nnU-Net's own mirroring included), in the voxel layout of the
// ITK side, and its errors are one line with the documented exit code.
#include "skipseg/inference/DeviceMemory.h"
#include "skipseg/inference/Predictor.h"

#include "skipseg/core/Error.h"
#include "skipseg/inference/SlidingWindow.h"
#include "skipseg/model/NnUNetImport.h"
#include "skipseg/model/SegmentationModel.h"
#include "skipseg/model/SkipSegModelFile.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <caffe2/serialize/inline_container.h>
#include <gtest/gtest.h>
#include <torch/cuda.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

namespace skipseg::inference {
namespace {

const char* const nnunetFolder = "nnunet_v2_plain3d";
const char* const torchscriptModel = "torchscript_unet3d/model.pt";

InferenceOptions cpuOptions() {
  InferenceOptions options;
  options.device = "cpu";
  return options;
}

/// The nnU-Net reference patch ([1, 1, D0=k, D1=j, D2=i] in C order) is exactly an ITK buffer.
VoxelBuffer nnunetInput(const std::string& fixture) {
  ImageGeometry geometry;
  geometry.size = {48, 48, 32};
  geometry.spacing = {3, 3, 3};
  VoxelBuffer input(geometry, 1);
  input.values = testing::readRawFloat32(fixture + "/reference/input_patch.bin");
  return input;
}

/// softmax over classes of a [1, K, ...] reference stored as raw float32.
at::Tensor referenceProbabilities(const std::string& path, std::vector<int64_t> shape) {
  std::vector<float> values = testing::readRawFloat32(path);
  return at::softmax(at::from_blob(values.data(), shape, at::kFloat).clone(), 1);
}

/// Largest difference between `values` and `tensor` read in C order.
double maxDifference(const std::vector<float>& values, const at::Tensor& tensor) {
  const at::Tensor flat = tensor.cpu().contiguous().reshape({-1});
  if (static_cast<int64_t>(values.size()) != flat.numel()) {
    ADD_FAILURE() << values.size() << " values against " << flat.numel();
    return 1e9;
  }
  const at::Tensor wrapped = at::from_blob(const_cast<float*>(values.data()), {flat.numel()}, at::kFloat);
  return (wrapped - flat).abs().max().item<double>();
}

double maxDifference(const VoxelBuffer& a, const VoxelBuffer& b) {
  return maxDifference(a.values, at::from_blob(const_cast<float*>(b.values.data()),
                                               {static_cast<int64_t>(b.values.size())}, at::kFloat));
}

ExitCode codeOf(const std::function<void()>& action, std::string* message = nullptr) {
  try {
    action();
  } catch (const Error& error) {
    if (message)
      *message = error.what();
    return error.code();
  }
  return ExitCode::Ok;
}

TEST(Predictor, MirroredNnUNetLogitsMatchNnUNetsOwnMirroring) {
  SKIPSEG_REQUIRE_FIXTURE(folder, nnunetFolder);
  c10::InferenceMode inferenceMode;
  auto models = model::loadSegmentationModels(folder);
  ASSERT_EQ(models.size(), 1u);
  std::vector<float> patch = testing::readRawFloat32(folder + "/reference/input_patch.bin");
  const at::Tensor input = at::from_blob(patch.data(), {1, 1, 32, 48, 48}, at::kFloat);
  SlidingWindowOptions options;
  options.patchSize = {32, 48, 48};
  options.mirrorAxes = {0, 1, 2};
  SlidingWindowStatistics statistics;
  const at::Tensor logits = slidingWindowInference(
      input, [&](const at::Tensor& x) { return models[0]->forward(x); }, options, silentProgress(), &statistics);
  EXPECT_EQ(statistics.forwardPasses, 8);
  const std::vector<float> reference = testing::readRawFloat32(folder + "/reference/logits_mirror_tta.bin");
  EXPECT_LT(maxDifference(reference, logits), 1e-4);
}

TEST(Predictor, NnUNetProbabilitiesWithAndWithoutMirroring) {
  SKIPSEG_REQUIRE_FIXTURE(folder, nnunetFolder);
  const VoxelBuffer input = nnunetInput(folder);
  for (const bool mirror : {false, true}) {
    InferenceOptions options = cpuOptions();
    options.mirror = mirror;
    const auto predictor = Predictor::create({folder}, options);
    EXPECT_EQ(predictor->description().axisOrder, "zyx");
    const VoxelBuffer probabilities = predictor->predictProbabilities(input, silentProgress());
    EXPECT_EQ(probabilities.channels, 3u);
    EXPECT_TRUE(probabilities.geometry.sameGrid(input.geometry));
    const std::string reference = mirror ? "/reference/logits_mirror_tta.bin" : "/reference/logits.bin";
    EXPECT_LT(maxDifference(probabilities.values, referenceProbabilities(folder + reference, {1, 3, 32, 48, 48})), 1e-5)
        << "mirror " << mirror;
    const Json report = predictor->report();
    EXPECT_EQ(report.at("forward_passes").get<int>(), mirror ? 8 : 1);
    EXPECT_EQ(report.at("device").get<std::string>(), "cpu");
    EXPECT_EQ(report.at("models").size(), 1u);
  }
}

TEST(Predictor, TorchScriptXyzProbabilitiesLandOnTheRightVoxels) {
  SKIPSEG_REQUIRE_FIXTURE(modelPath, torchscriptModel);
  const std::string reference = modelPath.substr(0, modelPath.rfind('/')) + "/reference/";
  // input_patch.bin is the tensor [1, 1, X, Y, Z] in C order: voxel (i, j, k) is element (i * 64 + j) * 64 + k.
  const std::vector<float> patch = testing::readRawFloat32(reference + "input_patch.bin");
  ImageGeometry geometry;
  geometry.size = {64, 64, 64};
  VoxelBuffer input(geometry, 1);
  for (std::size_t i = 0; i < 64; ++i)
    for (std::size_t j = 0; j < 64; ++j)
      for (std::size_t k = 0; k < 64; ++k) input.at(0, i, j, k) = patch[(i * 64 + j) * 64 + k];
  const auto predictor = Predictor::create({modelPath}, cpuOptions());
  const VoxelBuffer probabilities = predictor->predictProbabilities(input, silentProgress());
  const at::Tensor expected = referenceProbabilities(reference + "logits.bin", {1, 3, 64, 64, 64});
  // Back to the buffer's [c][k][j][i] order for the comparison.
  EXPECT_LT(maxDifference(probabilities.values, expected.permute({0, 1, 4, 3, 2})), 1e-4);
}

TEST(Predictor, EnsembleOfOneModelTwiceEqualsTheModel) {
  SKIPSEG_REQUIRE_FIXTURE(folder, nnunetFolder);
  const VoxelBuffer input = nnunetInput(folder);
  const VoxelBuffer single = Predictor::create({folder}, cpuOptions())->predictProbabilities(input, silentProgress());
  const auto ensemble = Predictor::create({folder, folder}, cpuOptions());
  const VoxelBuffer averaged = ensemble->predictProbabilities(input, silentProgress());
  EXPECT_LT(maxDifference(averaged, single), 1e-6);
  EXPECT_EQ(ensemble->report().at("models").size(), 2u);
}

/// A copy of the nnU-Net fixture folder whose fold_1 is fold_0 with every weight scaled by a smooth,
/// position-dependent factor: two folds that really differ, with nnU-Net's own file layout.
std::string twoFoldFolder(const std::string& fixture, const testing::TemporaryDirectory& scratch) {
  namespace fs = std::filesystem;
  const fs::path folder = fs::path(scratch.path()) / "Dataset801__nnUNetPlans__3d_fullres";
  fs::create_directories(folder / "fold_0");
  fs::create_directories(folder / "fold_1");
  for (const char* name : {"plans.json", "dataset.json", "dataset_fingerprint.json"}) {
    fs::copy_file(fs::path(fixture) / name, folder / name);
  }
  const fs::path original = fs::path(fixture) / "fold_0" / "checkpoint_final.pth";
  fs::copy_file(original, folder / "fold_0" / "checkpoint_final.pth");

  caffe2::serialize::PyTorchStreamReader reader(original.string());
  std::ofstream file(folder / "fold_1" / "checkpoint_final.pth", std::ios::binary);
  caffe2::serialize::PyTorchStreamWriter writer([&](const void* data, size_t size) -> size_t {
    file.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    return size;
  });
  for (const std::string& name : reader.getAllRecords()) {
    if (name != "data.pkl" && name.rfind("data/", 0) != 0) {
      continue;  // the writer adds its own version records
    }
    at::DataPtr data;
    size_t size = 0;
    std::tie(data, size) = reader.getRecord(name);
    std::vector<char> bytes(static_cast<const char*>(data.get()), static_cast<const char*>(data.get()) + size);
    if (name != "data.pkl") {  // every storage of this checkpoint holds float32 network weights
      float* values = reinterpret_cast<float*>(bytes.data());
      for (size_t i = 0; i < size / sizeof(float); ++i) {
        values[i] *= 1.0f + 0.3f * std::sin(0.7f * static_cast<float>(i));
      }
    }
    writer.writeRecord(name, bytes.data(), bytes.size());
  }
  writer.writeEndOfFile();
  return folder.string();
}

TEST(Predictor, FoldsOfOneNnUNetModelAreAveragedAsLogitsLikeNnUNet) {
  SKIPSEG_REQUIRE_FIXTURE(fixture, nnunetFolder);
  testing::TemporaryDirectory scratch;
  const std::string folder = twoFoldFolder(fixture, scratch);
  const VoxelBuffer input = nnunetInput(fixture);

  // Each fold's own logits on the reference patch (its size is the patch size: one tile).
  auto folds = model::loadSegmentationModels(folder);
  ASSERT_EQ(folds.size(), 2u);
  c10::InferenceMode inferenceMode;
  const at::Tensor patch =
      at::from_blob(const_cast<float*>(input.values.data()), {1, 1, 32, 48, 48}, at::kFloat).clone();
  const at::Tensor logits0 = folds[0]->forward(patch);
  const at::Tensor logits1 = folds[1]->forward(patch);
  // The folds must really differ, or the test could not tell the two ways of averaging apart.
  const at::Tensor meanOfProbabilities = (at::softmax(logits0, 1) + at::softmax(logits1, 1)) / 2;
  const at::Tensor softmaxOfMeanLogits = at::softmax((logits0 + logits1) / 2, 1);
  ASSERT_GT((meanOfProbabilities - softmaxOfMeanLogits).abs().max().item<double>(), 1e-2);

  const auto predictor = Predictor::create({folder}, cpuOptions());
  const VoxelBuffer probabilities = predictor->predictProbabilities(input, silentProgress());
  EXPECT_LT(maxDifference(probabilities.values, softmaxOfMeanLogits), 1e-5);
  const Json ensemble = predictor->report().at("ensemble");
  EXPECT_EQ(ensemble.at("models").at(0).at("networks").get<int>(), 2);
  EXPECT_EQ(ensemble.at("models").at(0).at("networks_combined_as").get<std::string>(), "mean of logits, then softmax");
}

TEST(Predictor, DifferentModelsAreAveragedAsProbabilitiesLikeNnUNetEnsemble) {
  SKIPSEG_REQUIRE_FIXTURE(fixture, nnunetFolder);
  testing::TemporaryDirectory scratch;
  const std::string folder = twoFoldFolder(fixture, scratch);
  const VoxelBuffer input = nnunetInput(fixture);
  model::LoadOptions onlyFold1;
  onlyFold1.folds = {1};
  c10::InferenceMode inferenceMode;
  const at::Tensor patch =
      at::from_blob(const_cast<float*>(input.values.data()), {1, 1, 32, 48, 48}, at::kFloat).clone();
  const at::Tensor logits0 = model::loadSegmentationModels(fixture).front()->forward(patch);
  const at::Tensor logits1 = model::loadSegmentationModels(folder, onlyFold1).front()->forward(patch);
  // The fixture (one fold) and the two-fold folder are two models: the first counts as much as the
  // second, whose two folds are first combined in logit space.
  const auto predictor = Predictor::create({fixture, folder}, cpuOptions());
  const VoxelBuffer combined = predictor->predictProbabilities(input, silentProgress());
  const at::Tensor expected = (at::softmax(logits0, 1) + at::softmax((logits0 + logits1) / 2, 1)) / 2;
  EXPECT_LT(maxDifference(combined.values, expected), 1e-5);
  // Weighting per network (the old rule) would give another answer.
  const at::Tensor perNetwork = (at::softmax(logits0, 1) * 2 + at::softmax(logits1, 1)) / 3;
  EXPECT_GT((perNetwork - expected).abs().max().item<double>(), 1e-2);
  EXPECT_EQ(predictor->report().at("ensemble").at("models_combined_as").get<std::string>(), "mean of probabilities");
}

TEST(Predictor, AutomaticTileBatchGrowsForSmallPatchesOnly) {
  EXPECT_EQ(automaticTileBatch({32, 48, 48}, false), 4);  // the nnU-Net fixture: 2.6x faster than 1 here
  EXPECT_EQ(automaticTileBatch({96, 96, 96}, false), 1);
  EXPECT_EQ(automaticTileBatch({256, 256}, false), 4);
  EXPECT_EQ(automaticTileBatch({16, 16, 16}, false), 8);  // never more than 8 on the CPU
  EXPECT_EQ(automaticTileBatch({96, 96, 96}, true), 2);
  EXPECT_EQ(automaticTileBatch({16, 16, 16}, true), 16);
  SKIPSEG_REQUIRE_FIXTURE(folder, nnunetFolder);
  const auto predictor = Predictor::create({folder}, cpuOptions());
  EXPECT_EQ(predictor->report().at("tile_batch").get<int>(), 4);
  EXPECT_EQ(predictor->report().at("tile_batch_chosen").get<std::string>(), "automatically from the patch size");
}

TEST(Predictor, TileBatchForMemoryUsesSixtyPercentOfTheFreeMemoryWithinItsBounds) {
  constexpr std::uint64_t MiB = 1 << 20;
  EXPECT_EQ(tileBatchForMemory(1000 * MiB, 100 * MiB, 32), 6);  // 600 MiB of tiles of 100 MiB
  EXPECT_EQ(tileBatchForMemory(1000 * MiB, 99 * MiB, 32), 6);
  EXPECT_EQ(tileBatchForMemory(1000 * MiB, 60 * MiB, 32), 10);
  EXPECT_EQ(tileBatchForMemory(140000 * MiB, 100 * MiB, 32), 32);  // an H200: the ceiling
  EXPECT_EQ(tileBatchForMemory(50 * MiB, 100 * MiB, 32), 1);       // never less than one tile
  EXPECT_EQ(tileBatchForMemory(1000 * MiB, 0, 32), 32);            // a tile that took nothing measurable
  EXPECT_EQ(tileBatchForMemory(1000 * MiB, 100 * MiB, 0), 1);
}

TEST(Predictor, WithoutAGpuTheFreeMemoryCannotBeAsked) {
  if (torch::cuda::is_available()) {
    GTEST_SKIP() << "a CUDA device is present (Predictor.CudaTileBatchComesFromFreeMemory runs instead)";
  }
  EXPECT_FALSE(cudaDeviceMemory(0).has_value());
}

// (No "Cuda" in the name above: gpu-check.sh requires every test matching "Cuda" to run on the GPU.)

// On a GPU: the automatic tile batch is sized from the device's free memory (one tile measured) and the
// report says so; the probabilities are the same as with a tile batch of one.
TEST(Predictor, CudaTileBatchComesFromFreeMemory) {
  if (!torch::cuda::is_available()) {
    GTEST_SKIP() << "no CUDA device";
  }
  SKIPSEG_REQUIRE_FIXTURE(folder, nnunetFolder);
  const auto memory = cudaDeviceMemory(0);
  ASSERT_TRUE(memory.has_value()) << "the CUDA runtime LibTorch loaded was not found (cudaMemGetInfo)";
  EXPECT_GT(memory->freeBytes, 0u);
  EXPECT_LE(memory->freeBytes, memory->totalBytes);
  const VoxelBuffer input = nnunetInput(folder);
  InferenceOptions automatic;
  automatic.device = "cuda";
  const auto predictor = Predictor::create({folder}, automatic);
  const VoxelBuffer chosen = predictor->predictProbabilities(input, silentProgress());
  const Json report = predictor->report();
  EXPECT_NE(report.at("tile_batch_chosen").get<std::string>().find("free GPU memory"), std::string::npos)
      << report.at("tile_batch_chosen");
  EXPECT_GE(report.at("tile_batch").get<int>(), 1);
  EXPECT_LE(report.at("tile_batch").get<int>(), 32);
  InferenceOptions single = automatic;
  single.tileBatch = 1;
  const VoxelBuffer one = Predictor::create({folder}, single)->predictProbabilities(input, silentProgress());
  EXPECT_LT(maxDifference(chosen, one), 1e-5);
}

TEST(Predictor, EachPredictionReportsItsOwnFiguresNotARunningTotal) {
  SKIPSEG_REQUIRE_FIXTURE(folder, nnunetFolder);
  const VoxelBuffer input = nnunetInput(folder);
  const auto predictor = Predictor::create({folder}, cpuOptions());
  predictor->predictProbabilities(input, silentProgress());
  const Json first = predictor->report();
  predictor->predictProbabilities(input, silentProgress());
  const Json second = predictor->report();
  EXPECT_EQ(second.at("tiles"), first.at("tiles"));
  EXPECT_EQ(second.at("forward_passes"), first.at("forward_passes"));
  EXPECT_LT(second.at("network_seconds").get<double>(), 3 * first.at("network_seconds").get<double>() + 1.0);
  EXPECT_EQ(second.at("predictions").get<int>(), 2);
}

TEST(Predictor, ModelsWithDifferentPreprocessingAreNotEnsembled) {
  SKIPSEG_REQUIRE_FIXTURE(folder, nnunetFolder);
  SKIPSEG_REQUIRE_FIXTURE(modelPath, torchscriptModel);
  std::string message;
  EXPECT_EQ(codeOf([&] { Predictor::create({folder, modelPath}, cpuOptions()); }, &message), ExitCode::BadInput);
  EXPECT_EQ(message.rfind(modelPath + ": cannot be ensembled", 0), 0u) << message;
}

TEST(Predictor, ModelsPreparedWithAnotherCropOrInterpolationAreNotEnsembled) {
  SKIPSEG_REQUIRE_FIXTURE(folder, nnunetFolder);
  testing::TemporaryDirectory scratch;
  auto imported = model::importNnUNetFolder(folder);
  for (const std::string difference : {"crop_to_nonzero", "interpolation"}) {
    auto description = imported.front().description;
    if (difference == "crop_to_nonzero") {
      description.cropToNonZero = !description.cropToNonZero;
    } else {
      description.interpolation = description.interpolation == "linear" ? "bspline" : "linear";
    }
    const std::string path = scratch.file(difference + ".ssm");
    model::saveSkipSegModel(path, *imported.front().network, description);
    std::string message;
    EXPECT_EQ(codeOf([&] { Predictor::create({folder, path}, cpuOptions()); }, &message), ExitCode::BadInput);
    EXPECT_NE(message.find("different " + difference), std::string::npos) << message;
  }
}

TEST(Predictor, WrongChannelCountIsBadInput) {
  SKIPSEG_REQUIRE_FIXTURE(folder, nnunetFolder);
  VoxelBuffer input = nnunetInput(folder);
  input.channels = 2;
  input.values.resize(input.values.size() * 2);
  const auto predictor = Predictor::create({folder}, cpuOptions());
  EXPECT_EQ(codeOf([&] { predictor->predictProbabilities(input, silentProgress()); }), ExitCode::BadInput);
}

TEST(Predictor, OptionErrorsAreUsageOrUnsupported) {
  SKIPSEG_REQUIRE_FIXTURE(folder, nnunetFolder);
  InferenceOptions options = cpuOptions();
  options.mirror = true;
  options.mirrorAxes = {3};
  EXPECT_EQ(codeOf([&] { Predictor::create({folder}, options); }), ExitCode::Usage);
  options = cpuOptions();
  options.overlap = 1.0;
  EXPECT_EQ(codeOf([&] { Predictor::create({folder}, options); }), ExitCode::Usage);
  options = cpuOptions();
  options.precision = "float16";
  EXPECT_EQ(codeOf([&] { Predictor::create({folder}, options); }), ExitCode::Unsupported);
  EXPECT_EQ(codeOf([&] { Predictor::create({}, cpuOptions()); }), ExitCode::Usage);
  if (!torch::cuda::is_available()) {
    options = cpuOptions();
    options.device = "cuda";
    std::string message;
    EXPECT_EQ(codeOf([&] { Predictor::create({folder}, options); }, &message), ExitCode::Unsupported);
    EXPECT_NE(message.find("CUDA is not available"), std::string::npos) << message;
  }
}

TEST(Predictor, CudaGivesTheCpuProbabilitiesInEveryPrecision) {
  if (!torch::cuda::is_available()) {
    GTEST_SKIP() << "no CUDA device";
  }
  SKIPSEG_REQUIRE_FIXTURE(folder, nnunetFolder);
  const VoxelBuffer input = nnunetInput(folder);
  InferenceOptions cpu = cpuOptions();
  cpu.mirror = true;
  const VoxelBuffer onCpu = Predictor::create({folder}, cpu)->predictProbabilities(input, silentProgress());
  const std::map<std::string, double> tolerance{{"float32", 1e-4}, {"float16", 2e-2}, {"bfloat16", 1e-1}};
  for (const std::string precision : {"float32", "float16", "bfloat16"}) {
    InferenceOptions options;
    options.device = "cuda";
    options.precision = precision;
    options.mirror = true;
    options.tileBatch = 4;
    const auto predictor = Predictor::create({folder}, options);
    const VoxelBuffer onCuda = predictor->predictProbabilities(input, silentProgress());
    EXPECT_EQ(predictor->report().at("accumulation_device").get<std::string>(), "cuda:0");
    EXPECT_TRUE(onCuda.geometry.sameGrid(input.geometry));
    EXPECT_LT(maxDifference(onCuda, onCpu), tolerance.at(precision)) << precision;
  }
}

}  // namespace
}  // namespace skipseg::inference
