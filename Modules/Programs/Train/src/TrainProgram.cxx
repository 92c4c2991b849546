#include "skipseg/programs/TrainProgram.h"

#if SKIPSEG_HAVE_SKIPSEGRENDER
#include "TrainingCurves.h"
#endif
#include "TrainingCache.h"
#include "skipseg/cli/RunProgram.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/Interrupt.h"
#include "skipseg/core/JsonFile.h"
#include "skipseg/core/Logging.h"
#include "skipseg/core/ModelDescription.h"
#include "skipseg/core/OutputCheck.h"
#include "skipseg/core/Progress.h"
#include "skipseg/core/Version.h"
#include "skipseg/distributed/Communicator.h"
#include "skipseg/distributed/LaunchEnvironment.h"
#include "skipseg/inference/SlidingWindow.h"
#include "skipseg/model/SkipSegModelFile.h"
#include "skipseg/nn/SegmentationNetwork.h"
#include "skipseg/planning/Plans.h"
#include "skipseg/training/Trainer.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <spdlog/spdlog.h>
#include <torch/cuda.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>

namespace fs = std::filesystem;

namespace skipseg::programs {
namespace {

int log2Floor(int value) {
  int result = 0;
  while (value > 1) {
    value /= 2;
    ++result;
  }
  return result;
}

// The network configuration for `architecture` from the plans' topology. U-Net-like architectures pool
// every axis alike, so their depth is what the least-pooled axis of the plans allows.
Json networkConfiguration(const std::string& architecture, const planning::TrainingConfiguration& configuration,
                          int inChannels, int classCount, std::uint64_t seed) {
  Json json;
  json["architecture"] = architecture;
  json["spatial_dims"] = configuration.spatialDims;
  json["in_channels"] = inChannels;
  json["seed"] = seed;
  json["base_features"] = configuration.baseFeatures;
  json["max_features"] = configuration.maxFeatures;
  if (architecture == "nnunet" || architecture == "nnunet_resenc") {
    json["num_classes"] = classCount;
    json["kernel_sizes"] = configuration.convKernels;
    json["strides"] = configuration.poolKernels;
    return json;
  }
  json["out_channels"] = classCount;
  int depth = 7;
  for (std::size_t axis = 0; axis < configuration.patchSize.size(); ++axis) {
    int pooling = 1;
    for (const auto& stage : configuration.poolKernels) {
      pooling *= stage.at(axis);
    }
    depth = std::min(depth, log2Floor(pooling));
  }
  depth = std::max(depth, 1);
  if (architecture == "transunet") {
    json["depth"] = std::min(depth, 4);
    json["image_size"] = configuration.patchSize;
  } else {
    json["depth"] = depth;
  }
  if (architecture == "unet" || architecture == "resunet") {
    json["deep_supervision"] = true;
  }
  return json;
}

// "all", "none" or a list of tensor axes ("0,1": z and y of a 3D model, never x).
std::vector<std::int64_t> parseMirrorAxes(const std::string& text, int spatialDims) {
  std::vector<std::int64_t> axes;
  if (text == "all") {
    for (int axis = 0; axis < spatialDims; ++axis) {
      axes.push_back(axis);
    }
    return axes;
  }
  if (text == "none") {
    return axes;
  }
  for (const auto& item : cli::splitList(text)) {
    try {
      const int axis = std::stoi(item);
      if (axis < 0 || axis >= spatialDims) {
        throw std::out_of_range("axis");
      }
      axes.push_back(axis);
    } catch (const std::exception&) {
      throw usageError("--mirror-axes: \"" + item + "\" is not a spatial axis 0.." + std::to_string(spatialDims - 1));
    }
  }
  return axes;
}

Json mergeOptions(Json base, const std::string& text) {
  if (text.empty()) {
    return base;
  }
  Json extra;
  try {
    extra = fs::exists(text) ? readJsonFile(text) : Json::parse(text);
  } catch (const nlohmann::json::exception& error) {
    throw usageError(std::string("--network-options is neither a JSON file nor JSON text: ") + error.what());
  }
  if (!extra.is_object()) {
    throw usageError("--network-options must be a JSON object");
  }
  base.merge_patch(extra);
  return base;
}

Json historyJson(const std::vector<training::EpochRecord>& history) {
  Json json = Json::array();
  for (const auto& record : history) {
    json.push_back(record.toJson());
  }
  return json;
}

// What a training run leaves in its folder; a new run (not --resume) would replace every one of them.
const char* const kTrainingResults[] = {"model.ssm", "checkpoint_latest.pt", "validation.json", "training_history.json",
                                        "training_curves.png"};

// A folder that holds a model or a checkpoint is only trained into again when the user says how: --resume
// continues that training, --overwrite starts a new one (removePreviousResults). Returns whether a
// previous training is to be replaced.
bool claimOutputFolder(const std::string& output, bool resume, bool overwrite) {
  if (resume && overwrite) {
    throw usageError("--resume and --overwrite exclude each other: continue the training in " + output +
                     " or replace it");
  }
  checkOutputFolder(output);
  if (resume) {
    return false;
  }
  std::string found;
  for (const char* name : {"model.ssm", "checkpoint_latest.pt"}) {
    std::error_code error;
    if (fs::exists(fs::path(output) / name, error)) {
      found += (found.empty() ? "" : " and ") + std::string(name);
    }
  }
  if (found.empty()) {
    return false;
  }
  if (!overwrite) {
    throw outputFailed(output, "holds a trained model (" + found +
                                   "); give --resume to continue its training or --overwrite to replace it");
  }
  return true;
}

// --overwrite: the previous results go once the new training is ready to start (plans, dataset and cache
// read), so that a mistake in those leaves the previous model alone; a new checkpoint beside an old
// model.ssm would describe two different networks.
void removePreviousResults(const std::string& output) {
  for (const char* name : kTrainingResults) {
    const fs::path path = fs::path(output) / name;
    std::error_code error;
    if (fs::remove(path, error)) {
      spdlog::info("--overwrite: removed {} of the previous training", path.string());
    } else if (error) {
      throw outputFailed(path.string(), "cannot remove the previous training's file: " + error.message());
    }
  }
}

// A data-parallel job when a launcher set its variables (or --distributed demands one).
std::optional<distributed::LaunchEnvironment> distributedLaunch(const cli::ParsedOptions& options) {
  auto environment = distributed::launchEnvironmentFromVariables();
  if (options.flag("distributed") && !environment) {
    throw usageError(
        "--distributed needs the launcher's variables (WORLD_SIZE, RANK, MASTER_ADDR, MASTER_PORT): "
        "start it with torchrun --no-python or Pipelines/slurm/skipseg-train.sbatch");
  }
  if (options.integer("distributed-timeout") < 1) {
    throw usageError("--distributed-timeout must be at least 1 second");
  }
  return environment;
}

// One process per GPU: LOCAL_RANK picks one of the GPUs this process sees. Under Slurm's --gpus-per-task a
// task sees only its own GPU, which is then cuda:0 whatever its LOCAL_RANK.
int gpuOfLocalRank(int localRank) {
  const auto visible = static_cast<int>(torch::cuda::device_count());
  if (localRank < visible) {
    return localRank;
  }
  if (visible == 1) {
    return 0;
  }
  throw usageError("LOCAL_RANK " + std::to_string(localRank) + " needs a GPU of its own, but this process sees " +
                   std::to_string(visible) + " (CUDA_VISIBLE_DEVICES)");
}

// Every rank preprocesses its share of the cases into the shared cache, waits for the others, then reads
// them all: one process's work spread over the ranks, and no two ranks writing the same case.
std::vector<training::TrainingCase> prepareCasesOnAllRanks(const planning::Dataset& dataset,
                                                           const std::vector<std::string>& ids,
                                                           const ModelDescription& description,
                                                           const std::string& cacheFolder, ProgressReporter& progress,
                                                           distributed::Communicator* communicator) {
  if (communicator) {
    std::vector<std::string> share;
    for (std::size_t k = static_cast<std::size_t>(communicator->rank()); k < ids.size();
         k += static_cast<std::size_t>(communicator->worldSize())) {
      share.push_back(ids[k]);
    }
    prepareTrainingCases(dataset, share, description, cacheFolder, progress);
    communicator->barrier("preprocessing cache");
  }
  return prepareTrainingCases(dataset, ids, description, cacheFolder, progress);
}

int runTraining(const cli::ParsedOptions& options) {
  const auto launch = distributedLaunch(options);
  const bool leader = !launch || launch->rank == 0;  // writes the log, checkpoints, model and curves
  if (options.flag("no-mixed-precision") && options.has("mixed-precision")) {
    throw usageError("--no-mixed-precision and --mixed-precision contradict each other: give one");
  }
  // The output folder first (milliseconds): refusing must not wait for the plans and the dataset.
  const bool replacing = claimOutputFolder(options.string("output"), options.flag("resume"), options.flag("overwrite"));
  const std::string plansPath = options.string("plans");
  const Json plans = readJsonFile(plansPath);
  if (plans.value("format", std::string()) != "skipseg-plans/1") {
    throw badInput(plansPath, "not a SkipSeg plans file (format skipseg-plans/1)");
  }
  const std::string configurationName = options.string("configuration");
  const auto configuration = planning::configurationFromPlans(plans, configurationName, plansPath);
  const int batchSize =
      options.integer("batch-size") > 0 ? static_cast<int>(options.integer("batch-size")) : configuration.batchSize;
  if (launch && batchSize % launch->worldSize != 0) {  // before any preprocessing or rendezvous
    throw usageError("the batch size " + std::to_string(batchSize) + " is not a multiple of the " +
                     std::to_string(launch->worldSize) + " ranks (WORLD_SIZE): set --batch-size");
  }
  const std::string foldName = options.string("fold");
  const auto fold = planning::foldFromPlans(plans, foldName, plansPath);
  const planning::Dataset dataset = planning::Dataset::fromJson(plans.at("dataset"), plansPath);
  const std::string output = options.string("output");
  std::error_code error;
  fs::create_directories(output, error);
  if (error) {
    throw outputFailed(output, "cannot create the folder: " + error.message());
  }
  // At info level whatever the console shows, and current while training goes on (rank 0's only).
  std::optional<ScopedLogFile> logFile;
  if (leader) {
    logFile.emplace((fs::path(output) / "training.log").string(), LogLevel::Info);
  }
  const std::string architecture = options.string("network");
  const int epochs = static_cast<int>(options.integer("epochs"));
  const int iterations = static_cast<int>(options.integer("iterations"));
  if (epochs < 1 || iterations < 1 || options.integer("validation-iterations") < 1) {
    throw usageError("--epochs, --iterations and --validation-iterations must be at least 1");
  }
  const double budgetSeconds = options.has("budget-seconds") ? options.number("budget-seconds") : 0.0;
  if (options.has("budget-seconds") && !(budgetSeconds > 0)) {
    throw usageError("--budget-seconds must be positive");
  }
  if (budgetSeconds > 0 && launch) {
    throw usageError("--budget-seconds is not available for data-parallel training (each rank has its own clock)");
  }
  const int torchThreads = static_cast<int>(options.integer("torch-threads"));
  if (torchThreads > 0) {
    at::set_num_threads(torchThreads);
  }
  const std::uint64_t seed = options.has("seed") ? static_cast<std::uint64_t>(options.integer("seed"))
                                                 : plans.value("seed", std::uint64_t{12345});

  // Preprocess (or reuse) every case of the fold once.
  // Progress updates (every iteration) are safe points: SIGINT/SIGTERM stop there; the last checkpoint
  // stays, and --resume continues from it.
  auto progress = interruptible(makeProgressReporter(leader ? ProgressStyle::Auto : ProgressStyle::Silent));
  std::string device = options.string("device");
  if (device == "auto") {
    device = at::hasCUDA() ? "cuda" : "cpu";
  }
  std::shared_ptr<distributed::Communicator> communicator;
  if (launch) {
    if (device == "cuda") {
      device = "cuda:" + std::to_string(gpuOfLocalRank(launch->localRank));  // one process per GPU
    }
    distributed::CommunicatorOptions communicatorOptions;
    communicatorOptions.backend = device.rfind("cuda", 0) == 0 ? "nccl" : "gloo";
    communicatorOptions.timeout = std::chrono::seconds(options.integer("distributed-timeout"));
    communicator = distributed::Communicator::connect(*launch, communicatorOptions);
  }
  const std::string cacheFolder =
      (fs::path(options.stringOr("cache", (fs::path(output) / "cache").string())) / configurationName).string();
  std::vector<std::string> ids = fold.training;
  for (const auto& id : fold.validation) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      ids.push_back(id);
    }
  }
  // The model's description fixes the preprocessing before any case is prepared: the cache and the
  // model file cannot disagree.
  ModelDescription description = preprocessingDescription(configuration, dataset);
  const auto prepared = prepareCasesOnAllRanks(dataset, ids, description, cacheFolder, *progress, communicator.get());
  // The cases kept their orientation; when they share one, inference reorients scans into it.
  description.orientation = commonOrientation(prepared);
  auto training = std::make_shared<std::vector<training::TrainingCase>>();
  auto validation = std::make_shared<std::vector<training::TrainingCase>>();
  for (const auto& trainingCase : prepared) {
    if (std::find(fold.training.begin(), fold.training.end(), trainingCase.id) != fold.training.end()) {
      training->push_back(trainingCase);
    }
    if (std::find(fold.validation.begin(), fold.validation.end(), trainingCase.id) != fold.validation.end()) {
      validation->push_back(trainingCase);
    }
  }

  const int inChannels = static_cast<int>(dataset.channelNames.size());
  const int classCount = static_cast<int>(dataset.labels.size());
  const Json networkJson = mergeOptions(networkConfiguration(architecture, configuration, inChannels, classCount, seed),
                                        options.stringOr("network-options", ""));
  at::manual_seed(seed);
  auto network = nn::createNetwork(networkJson);

  const std::vector<std::int64_t> mirrorAxes =
      parseMirrorAxes(options.string("mirror-axes"), configuration.spatialDims);
  training::SamplingOptions sampling;
  sampling.augmentation.mirrorAxes = mirrorAxes;
  sampling.patchSize.assign(configuration.patchSize.begin(), configuration.patchSize.end());
  sampling.batchSize = batchSize;
  training::TrainerOptions trainerOptions;
  trainerOptions.epochs = epochs;
  trainerOptions.iterationsPerEpoch = iterations;
  trainerOptions.validationIterations = static_cast<int>(options.integer("validation-iterations"));
  trainerOptions.optimizer = options.string("optimizer");
  trainerOptions.learningRate = options.has("learning-rate") ? options.number("learning-rate")
                                                             : (trainerOptions.optimizer == "sgd" ? 1e-2 : 1e-3);
  trainerOptions.seed = seed;
  trainerOptions.loaderThreads = static_cast<int>(options.integer("threads"));
  trainerOptions.checkpointEvery = static_cast<int>(options.integer("checkpoint-every"));
  trainerOptions.device = device;
  trainerOptions.communicator = communicator;
  trainerOptions.mixedPrecision = !options.flag("no-mixed-precision");
  trainerOptions.mixedPrecisionType = options.string("mixed-precision");
  trainerOptions.checkpointPath = (fs::path(output) / "checkpoint_latest.pt").string();
  trainerOptions.budgetSeconds = budgetSeconds;
  spdlog::info(
      "training {} ({}) on {} cases, validating on {} (fold {}), patch {}, batch {}, {} epochs x {} "
      "iterations, {} on {}, seed {}{}",
      architecture, configurationName, training->size(), validation->size(), foldName,
      Json(configuration.patchSize).dump(), sampling.batchSize, epochs, iterations, trainerOptions.optimizer, device,
      seed,
      communicator ? fmt::format(" (rank {} of {}: {} samples of each batch)", communicator->rank(),
                                 communicator->worldSize(), sampling.batchSize / communicator->worldSize())
                   : std::string());

  if (replacing && leader) {
    removePreviousResults(output);
  }
  training::Trainer trainer(network, training, validation, sampling, trainerOptions);
  if (options.flag("resume")) {
    if (!fs::exists(trainerOptions.checkpointPath)) {
      throw badInput(trainerOptions.checkpointPath, "no checkpoint to resume from");
    }
    trainer.resume(trainerOptions.checkpointPath);
  }
  const std::string curvesPath = (fs::path(output) / "training_curves.png").string();
#if !SKIPSEG_HAVE_SKIPSEGRENDER
  spdlog::info("{} is not drawn: this SkipSeg was built without VTK; {} holds the same curves", curvesPath,
               "training_history.json");
#endif
  const std::string historyPath = (fs::path(output) / "training_history.json").string();
  trainer.train(*progress, [&](const training::EpochRecord&) {
    if (leader) {
      writeJsonFile(historyPath, Json{{"history", historyJson(trainer.history())}});
#if SKIPSEG_HAVE_SKIPSEGRENDER
      writeTrainingCurves(historyJson(trainer.history()), dataset.labels, curvesPath);
#endif
    }
  });
  if (!leader) {
    spdlog::info("rank {}: training done; rank 0 validates and writes the model", communicator->rank());
    return 0;
  }

  // Full validation: whole cases through sliding-window inference, as skipseg-segment will run them.
  auto& trained = trainer.network();
  trained.eval();
  at::NoGradGuard noGradients;
  inference::SlidingWindowOptions window;
  window.patchSize.assign(configuration.patchSize.begin(), configuration.patchSize.end());
  window.device = c10::Device(device);
  const inference::Network forward = [&](const at::Tensor& batch) { return trained.forward(batch); };
  const auto validationStart = std::chrono::steady_clock::now();
  const auto dice = training::caseDice(*validation, classCount, [&](const at::Tensor& input) {
    return configuration.spatialDims == 3
               ? inference::slidingWindowInference(input.to(window.device), forward, window, silentProgress())
               : inference::slidingWindowSliceBySlice(input.to(window.device), 0, forward, window, silentProgress());
  });
  Json diceJson = Json::object();
  double diceSum = 0;
  int diceCount = 0;
  for (std::size_t c = 0; c < dice.size(); ++c) {
    const auto& label = dataset.labels[c + 1];
    diceJson[label.name] = std::isnan(dice[c]) ? Json(nullptr) : Json(dice[c]);
    if (!std::isnan(dice[c])) {
      diceSum += dice[c];
      ++diceCount;
    }
    spdlog::info("validation Dice {} ({}): {:.4f}", label.name, label.id, dice[c]);
  }
  const double meanDice = diceCount > 0 ? diceSum / diceCount : std::nan("");
  spdlog::info("validation mean Dice over {} cases: {:.4f} ({:.1f} s)", validation->size(), meanDice,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - validationStart).count());

  // The model file skipseg-segment reads.
  description.output = "logits";
  description.mirrorAxes.assign(mirrorAxes.begin(), mirrorAxes.end());
  description.provenance = Json{{"trained_with", "skipseg-train " + version()},
                                {"dataset", dataset.source},
                                {"training_cases", fold.training},
                                {"validation_cases", fold.validation},
                                {"configuration", configurationName},
                                {"fold", foldName},
                                {"epochs", trainer.completedEpochs()},
                                {"iterations_per_epoch", iterations},
                                {"iterations", trainer.completedIterations()},
                                {"budget_seconds", budgetSeconds > 0 ? Json(budgetSeconds) : Json(nullptr)},
                                {"budget_spent", trainer.budgetSpent()},
                                {"optimizer", trainerOptions.optimizer},
                                {"mixed_precision", trainerOptions.mixedPrecision && device.rfind("cuda", 0) == 0
                                                        ? Json(trainerOptions.mixedPrecisionType)
                                                        : Json("off")},
                                {"seed", seed},
                                {"validation_dice", diceJson}};
  trained.to(at::kCPU);
  const std::string modelPath = (fs::path(output) / "model.ssm").string();
  model::saveSkipSegModel(modelPath, trained, description);
  writeJsonFile((fs::path(output) / "validation.json").string(),
                Json{{"cases", fold.validation},
                     {"dice", diceJson},
                     {"mean_dice", diceCount > 0 ? Json(meanDice) : Json(nullptr)}});
  spdlog::info("wrote {}", modelPath);
  return 0;
}

}  // namespace

cli::ProgramDescription trainProgramDescription() {
  cli::ProgramDescription description;
  description.name = "skipseg-train";
  description.title = "SkipSeg Train";
  description.category = "Segmentation.SkipSeg.Training";
  description.description =
      "Trains a segmentation network from skipseg-plan's plans: preprocesses the dataset once into a cache, "
      "trains with patch sampling, augmentation, Dice + cross-entropy and deep supervision, validates every epoch "
      "and at the end with sliding-window inference, and writes OUTPUT/model.ssm (usable by skipseg-segment), "
      "checkpoints, training.log, training_history.json and training_curves.png (left: training and validation "
      "loss; right: validation pseudo Dice, mean and per class; axes titled and numbered, curves named).";
  auto& plans = description.add("plans", cli::ParameterKind::InputFile, "The plans file written by skipseg-plan.");
  plans.required = true;
  plans.positionalIndex = 0;
  plans.placeholder = "PLANS";
  plans.fileExtensions = {".json"};
  auto& configuration =
      description.add("configuration", cli::ParameterKind::String, "Configuration of the plans: 3d_fullres or 2d.");
  configuration.defaultValue = "3d_fullres";
  configuration.placeholder = "NAME";
  auto& fold = description.add("fold", cli::ParameterKind::String,
                               "Cross-validation fold (0..K-1), or all (train and validate on every case).");
  fold.defaultValue = "0";
  fold.placeholder = "K";
  auto& output =
      description.add("output", cli::ParameterKind::OutputDirectory, "Folder for the model, checkpoints and logs.");
  output.required = true;
  auto& network = description.add("network", cli::ParameterKind::Enumeration, "Architecture to train.");
  network.choices = nn::registeredArchitectures();  // whatever the network registry builds
  network.defaultValue = "nnunet";
  description
      .add("network-options", cli::ParameterKind::String,
           "JSON object (text or file) merged into the network configuration, e.g. {\"norm\": \"batch\"}.")
      .placeholder = "JSON";
  description.add("epochs", cli::ParameterKind::Integer, "Epochs to train.").defaultValue = "100";
  description.add("iterations", cli::ParameterKind::Integer, "Training batches per epoch.").defaultValue = "250";
  description
      .add("budget-seconds", cli::ParameterKind::Float,
           "Wall-time budget: stop after the iteration at which this many seconds of training (validation "
           "included, resumed runs summed) are spent, even inside an epoch; the model is written as at the "
           "end. Not reproducible across machines or loads, unlike --epochs x --iterations.")
      .placeholder = "S";
  description.add("validation-iterations", cli::ParameterKind::Integer, "Validation batches per epoch (pseudo Dice).")
      .defaultValue = "50";
  description.add("batch-size", cli::ParameterKind::Integer, "Batch size (0: the plans').").defaultValue = "0";
  auto& optimizer = description.add("optimizer", cli::ParameterKind::Enumeration,
                                    "sgd (Nesterov momentum 0.99, poly decay) or adamw.");
  optimizer.choices = {"sgd", "adamw"};
  optimizer.defaultValue = "sgd";
  description.add("learning-rate", cli::ParameterKind::Float,
                  "Initial learning rate (default 0.01 for sgd, 0.001 for adamw).");
  auto& mirrorAxes =
      description.add("mirror-axes", cli::ParameterKind::String,
                      "Tensor axes (z=0, y=1, x=2 for 3D) flipped in augmentation and test-time mirroring: all, none "
                      "or a list such as 0,1. Leave out the left-right axis when labels are lateral (left/right "
                      "structures).");
  mirrorAxes.defaultValue = "all";
  mirrorAxes.placeholder = "AXES";
  description.add("seed", cli::ParameterKind::Integer,
                  "Seed of initialisation, sampling and augmentation (default: the plans').");
  auto& device = description.add("device", cli::ParameterKind::String, "auto, cpu, cuda or cuda:N.");
  device.defaultValue = "auto";
  device.placeholder = "DEVICE";
  description.add("threads", cli::ParameterKind::Integer, "Background threads preparing batches (0: none).")
      .defaultValue = "2";
  description
      .add("torch-threads", cli::ParameterKind::Integer, "Threads of Torch's CPU operations (0: Torch's default).")
      .defaultValue = "0";
  description.add("checkpoint-every", cli::ParameterKind::Integer, "Save a checkpoint every N epochs (and at the end).")
      .defaultValue = "10";
  description.add("resume", cli::ParameterKind::Flag,
                  "Continue from OUTPUT/checkpoint_latest.pt exactly where it stopped.");
  description.add("overwrite", cli::ParameterKind::Flag,
                  "Train a new model into an OUTPUT that holds one (model.ssm or a checkpoint), removing the "
                  "previous training's results first. Without it (and without --resume) such an OUTPUT is refused.");
  description.add("no-mixed-precision", cli::ParameterKind::Flag,
                  "On CUDA, train in float32 instead of bfloat16 autocast.");
  auto& mixedPrecision = description.add(
      "mixed-precision", cli::ParameterKind::Enumeration,
      "Autocast type on CUDA: bfloat16, or float16 with loss scaling for GPUs without bfloat16 (V100, T4).");
  mixedPrecision.choices = {"bfloat16", "float16"};
  mixedPrecision.defaultValue = "bfloat16";
  description.add("cache", cli::ParameterKind::String, "Folder of the preprocessing cache (default OUTPUT/cache).")
      .placeholder = "DIR";
  description.add("distributed", cli::ParameterKind::Flag,
                  "Data-parallel training, one process per GPU or CPU socket, launched by torchrun --no-python or "
                  "Pipelines/slurm/skipseg-train.sbatch (automatic when their WORLD_SIZE, RANK, MASTER_ADDR and "
                  "MASTER_PORT are set). --batch-size is the global batch, split over the ranks; OUTPUT (and "
                  "--cache) must be shared by all of them. Gloo on the CPU, NCCL on CUDA (device cuda:LOCAL_RANK).");
  description
      .add("distributed-timeout", cli::ParameterKind::Integer,
           "Seconds a rank waits for the others in a collective before it stops with an error naming the lost rank.")
      .defaultValue = "300";
  for (auto& parameter : description.parameters) {
    parameter.slicer = false;  // training is a command-line task
  }
  return description;
}

int trainMain(const std::vector<std::string>& arguments) {
  return cli::runProgram(trainProgramDescription(), arguments, runTraining);
}

}  // namespace skipseg::programs
