#include "skipseg/training/Trainer.h"

#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/Logging.h"
#include "skipseg/distributed/GradientAverager.h"
#include "skipseg/training/GradientClipping.h"
#include "skipseg/training/GradientScaler.h"
#include "skipseg/training/Loss.h"

#include <ATen/ATen.h>
#include <ATen/autocast_mode.h>
#include <torch/optim/adamw.h>
#include <torch/optim/sgd.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/version.h>

#include <chrono>
#include <cmath>
#include <limits>

namespace skipseg::training {
namespace {

constexpr std::uint64_t kTrainingStream = 0, kValidationStream = 1, kTorchStream = 2;

// Autocast for the forward pass on CUDA: bfloat16 (half the memory traffic, and unlike float16 it needs
// no loss scaling: same exponent range as float32), or float16 with a GradientScaler.
class CudaAutocast {
 public:
  CudaAutocast(bool enabled, at::ScalarType dtype) : enabled_(enabled) {
    if (!enabled_) {
      return;
    }
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_enabled(at::kCUDA, true);
    at::autocast::set_autocast_dtype(at::kCUDA, dtype);
#else
    at::autocast::set_enabled(true);
    at::autocast::set_autocast_gpu_dtype(dtype);
#endif
  }
  ~CudaAutocast() {
    if (!enabled_) {
      return;
    }
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_enabled(at::kCUDA, false);
#else
    at::autocast::set_enabled(false);
#endif
    at::autocast::clear_cache();
  }
  CudaAutocast(const CudaAutocast&) = delete;
  CudaAutocast& operator=(const CudaAutocast&) = delete;

 private:
  bool enabled_;
};

std::vector<double> diceFromCounts(const at::Tensor& counts) {
  std::vector<double> dice;
  auto accessor = counts.accessor<int64_t, 2>();
  for (int64_t c = 0; c < counts.size(0); ++c) {
    const double tp = static_cast<double>(accessor[c][0]);
    const double denominator = 2.0 * tp + static_cast<double>(accessor[c][1] + accessor[c][2]);
    dice.push_back(denominator > 0 ? 2.0 * tp / denominator : std::numeric_limits<double>::quiet_NaN());
  }
  return dice;
}

double meanIgnoringNan(const std::vector<double>& values) {
  double sum = 0;
  int count = 0;
  for (double value : values) {
    if (!std::isnan(value)) {
      sum += value;
      ++count;
    }
  }
  return count > 0 ? sum / count : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

struct Trainer::State {
  c10::Device device = c10::Device(c10::kCPU);
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  std::unique_ptr<PatchSampler> trainingSampler, validationSampler;
  std::unique_ptr<BatchLoader> trainingLoader, validationLoader;
  std::unique_ptr<distributed::GradientAverager> gradientAverager;  // data-parallel only
  DiceStatisticsSum diceStatisticsSum;                              // data-parallel only
  bool autocast = false;                                            // CUDA and mixed precision
  at::ScalarType autocastType = at::kBFloat16;
  std::unique_ptr<GradientScaler> scaler;  // float16 autocast only
};

Json EpochRecord::toJson() const {
  Json dice = Json::array();
  for (double value : dicePerClass) {
    dice.push_back(std::isnan(value) ? Json(nullptr) : Json(value));
  }
  return Json{{"epoch", epoch},
              {"iterations", iterations},
              {"budget_spent", budgetSpent},
              {"learning_rate", learningRate},
              {"training_loss", trainingLoss},
              {"validation_loss", validationLoss},
              {"pseudo_dice", std::isnan(pseudoDice) ? Json(nullptr) : Json(pseudoDice)},
              {"dice_per_class", dice},
              {"seconds", seconds},
              {"data_wait_seconds", dataWaitSeconds},
              {"communication_seconds", communicationSeconds},
              {"skipped_steps", skippedSteps}};
}

EpochRecord EpochRecord::fromJson(const Json& json) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EpochRecord record;
  record.epoch = json.at("epoch").get<int>();
  record.iterations = json.value("iterations", 0);  // absent before wall-time budgets: a full epoch
  record.budgetSpent = json.value("budget_spent", false);
  record.learningRate = json.at("learning_rate").get<double>();
  record.trainingLoss = json.at("training_loss").get<double>();
  record.validationLoss = json.at("validation_loss").get<double>();
  record.pseudoDice = json.at("pseudo_dice").is_null() ? nan : json.at("pseudo_dice").get<double>();
  for (const auto& value : json.at("dice_per_class")) {
    record.dicePerClass.push_back(value.is_null() ? nan : value.get<double>());
  }
  record.seconds = json.at("seconds").get<double>();
  record.dataWaitSeconds = json.at("data_wait_seconds").get<double>();
  record.communicationSeconds = json.value("communication_seconds", 0.0);  // absent before data-parallel runs
  record.skippedSteps = json.value("skipped_steps", 0);                    // absent before float16 training
  return record;
}

Trainer::Trainer(std::shared_ptr<nn::SegmentationNetwork> network,
                 std::shared_ptr<const std::vector<TrainingCase>> training,
                 std::shared_ptr<const std::vector<TrainingCase>> validation, SamplingOptions sampling,
                 TrainerOptions options)
    : network_(std::move(network)),
      training_(std::move(training)),
      validation_(std::move(validation)),
      sampling_(std::move(sampling)),
      options_(std::move(options)),
      state_(std::make_unique<State>()) {
  try {
    state_->device = c10::Device(options_.device);
  } catch (const c10::Error&) {
    throw usageError("unknown device \"" + options_.device + "\" (cpu, cuda, cuda:N)");
  }
  if (state_->device.is_cuda() && !at::hasCUDA()) {
    throw unsupported(options_.device, "CUDA is not available in this build or on this machine");
  }
  if (options_.mixedPrecisionType != "bfloat16" && options_.mixedPrecisionType != "float16") {
    throw usageError("unknown mixed precision \"" + options_.mixedPrecisionType + "\" (bfloat16 or float16)");
  }
  state_->autocast = options_.mixedPrecision && state_->device.is_cuda();
  if (options_.mixedPrecision && options_.mixedPrecisionType == "float16") {
    state_->autocastType = at::kHalf;
    // Also on the CPU (where there is no autocast): scaling by a power of two and back changes nothing
    // there, which is what the tests check.
    state_->scaler = std::make_unique<GradientScaler>();
  }
  network_->to(state_->device);
  if (const auto& communicator = options_.communicator) {
    if (sampling_.batchSize % communicator->worldSize() != 0) {
      throw usageError("the batch size " + std::to_string(sampling_.batchSize) + " is not a multiple of the " +
                       std::to_string(communicator->worldSize()) + " ranks (WORLD_SIZE)");
    }
    sampling_.shardIndex = communicator->rank();
    sampling_.shardCount = communicator->worldSize();
    // Rank 0's initial weights everywhere, whatever each rank's initialisation drew.
    std::vector<at::Tensor> state = network_->parameters();
    for (const auto& buffer : network_->buffers()) {
      state.push_back(buffer);
    }
    {
      at::NoGradGuard noGradients;
      communicator->broadcast(state, 0);
    }
    std::vector<at::Tensor> trainable;
    for (const auto& parameter : network_->parameters()) {
      if (parameter.requires_grad()) {
        trainable.push_back(parameter);
      }
    }
    state_->gradientAverager = std::make_unique<distributed::GradientAverager>(communicator, trainable);
    state_->diceStatisticsSum = [communicator](const at::Tensor& statistics) {
      return distributed::differentiableSumAcrossRanks(statistics, *communicator);
    };
  }
  if (options_.optimizer == "sgd") {
    state_->optimizer =
        std::make_unique<torch::optim::SGD>(network_->parameters(), torch::optim::SGDOptions(options_.learningRate)
                                                                        .momentum(options_.momentum)
                                                                        .nesterov(true)
                                                                        .weight_decay(options_.weightDecay));
  } else if (options_.optimizer == "adamw") {
    state_->optimizer = std::make_unique<torch::optim::AdamW>(
        network_->parameters(), torch::optim::AdamWOptions(options_.learningRate).weight_decay(options_.weightDecay));
  } else {
    throw usageError("unknown optimizer \"" + options_.optimizer + "\" (sgd, adamw)");
  }
  state_->trainingSampler = std::make_unique<PatchSampler>(training_, sampling_);
  SamplingOptions validationSampling = sampling_;
  validationSampling.augmentation = AugmentationOptions::none();
  state_->validationSampler = std::make_unique<PatchSampler>(validation_, validationSampling);
  const bool pinMemory = state_->device.is_cuda();
  state_->trainingLoader =
      std::make_unique<BatchLoader>(*state_->trainingSampler, options_.loaderThreads, 4, pinMemory);
  state_->validationLoader =
      std::make_unique<BatchLoader>(*state_->validationSampler, options_.loaderThreads, 4, pinMemory);
}

Trainer::~Trainer() = default;

void Trainer::saveCheckpoint(const std::string& path) const {
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive modelArchive, optimizerArchive;
  network_->save(modelArchive);
  state_->optimizer->save(optimizerArchive);
  archive.write("model", modelArchive);
  archive.write("optimizer", optimizerArchive);
  Json trainer;
  trainer["format"] = "skipseg-checkpoint/1";
  trainer["seed"] = options_.seed;
  trainer["epochs"] = options_.epochs;
  trainer["batch_size"] = sampling_.batchSize;  // global: a resumed job may have another number of ranks
  trainer["network"] = network_->configuration();
  if (state_->scaler) {
    trainer["gradient_scaler"] = state_->scaler->toJson();
  }
  Json history = Json::array();
  for (const auto& record : history_) {
    history.push_back(record.toJson());
  }
  trainer["history"] = history;
  archive.write("trainer", c10::IValue(trainer.dump()));
  AtomicOutput output(path);
  try {
    archive.save_to(output.temporaryPath());
  } catch (const c10::Error& error) {
    throw outputFailed(path, oneLine(error.what_without_backtrace()));
  }
  output.commit();
}

void Trainer::resume(const std::string& checkpointPath) {
  torch::serialize::InputArchive archive;
  Json trainer;
  try {
    archive.load_from(checkpointPath, state_->device);
    torch::serialize::InputArchive modelArchive, optimizerArchive;
    archive.read("model", modelArchive);
    archive.read("optimizer", optimizerArchive);
    c10::IValue text;
    archive.read("trainer", text);
    trainer = Json::parse(text.toStringRef());
    if (trainer.value("network", Json()) != network_->configuration()) {
      throw badInput(checkpointPath, "checkpoint of a different network configuration");
    }
    network_->load(modelArchive);
    state_->optimizer->load(optimizerArchive);
    if (state_->scaler && trainer.contains("gradient_scaler")) {
      state_->scaler->restore(trainer.at("gradient_scaler"));
    }
  } catch (const c10::Error& error) {
    throw badInput(checkpointPath,
                   "not a readable SkipSeg checkpoint (" + oneLine(error.what_without_backtrace()) + ")");
  } catch (const nlohmann::json::exception& error) {
    throw badInput(checkpointPath, std::string("checkpoint metadata is malformed: ") + error.what());
  }
  if (trainer.value("seed", options_.seed) != options_.seed) {
    spdlog::warn("{}: resuming with seed {} but the run started with {}: batches will differ", checkpointPath,
                 options_.seed, trainer.value("seed", std::uint64_t{0}));
  }
  if (trainer.value("batch_size", sampling_.batchSize) != sampling_.batchSize) {
    spdlog::warn("{}: resuming with a batch of {} but the run started with {}: batches will differ", checkpointPath,
                 sampling_.batchSize, trainer.value("batch_size", 0));
  }
  history_.clear();
  for (const auto& record : trainer.at("history")) {
    history_.push_back(EpochRecord::fromJson(record));
  }
  spdlog::info("resumed from {} after epoch {}", checkpointPath, history_.size());
}

long long Trainer::completedIterations() const {
  long long total = 0;
  for (const auto& record : history_) {
    total += record.iterations > 0 ? record.iterations : options_.iterationsPerEpoch;
  }
  return total;
}

void Trainer::train(ProgressReporter& progress, const std::function<void(const EpochRecord&)>& onEpoch,
                    int stopAfterEpoch) {
  if (options_.budgetSeconds > 0 && options_.communicator) {
    // Each rank would read its own clock and stop at another iteration, leaving the others waiting.
    throw usageError("a wall-time budget is not available for data-parallel training");
  }
  double secondsBefore = 0;
  for (const auto& record : history_) {
    secondsBefore += record.seconds;
  }
  for (int epoch = completedEpochs(); epoch < options_.epochs && !budgetSpent(); ++epoch) {
    if (stopAfterEpoch > 0 && epoch >= stopAfterEpoch) {
      break;
    }
    EpochRecord record = runEpoch(epoch, progress, secondsBefore);
    secondsBefore += record.seconds;
    if (options_.budgetSeconds > 0 && secondsBefore >= options_.budgetSeconds) {
      record.budgetSpent = true;  // also when validation spent it: the next epoch would overrun
    }
    history_.push_back(record);
    const double waitShare = record.seconds > 0 ? 100.0 * record.dataWaitSeconds / record.seconds : 0.0;
    std::string dice;
    for (double value : record.dicePerClass) {
      dice += (dice.empty() ? "" : ", ") + (std::isnan(value) ? std::string("-") : fmt::format("{:.3f}", value));
    }
    const std::string communication =
        options_.communicator
            ? fmt::format(", {:.0f}% in communication",
                          record.seconds > 0 ? 100.0 * record.communicationSeconds / record.seconds : 0.0)
            : std::string();
    spdlog::log(writesCheckpoints() ? spdlog::level::info : spdlog::level::debug,
                "epoch {}/{}: lr {:.5f}, training loss {:.4f}, validation loss {:.4f}, pseudo Dice {:.4f} [{}], {:.1f} "
                "s ({:.0f}% waiting for data{})",
                record.epoch, options_.epochs, record.learningRate, record.trainingLoss, record.validationLoss,
                record.pseudoDice, dice, record.seconds, waitShare, communication);
    if (record.budgetSpent) {
      spdlog::info("wall-time budget of {:g} s spent after {} iterations of epoch {} ({} in all)",
                   options_.budgetSeconds, record.iterations, record.epoch, completedIterations());
    }
    const bool last = epoch + 1 == options_.epochs || record.budgetSpent;
    if (!options_.checkpointPath.empty() && writesCheckpoints() &&
        (last || (options_.checkpointEvery > 0 && (epoch + 1) % options_.checkpointEvery == 0))) {
      saveCheckpoint(options_.checkpointPath);
    }
    if (onEpoch) {
      onEpoch(record);
    }
  }
}

bool Trainer::writesCheckpoints() const {
  return !options_.communicator || options_.communicator->rank() == 0;
}

double Trainer::meanOverRanks(double value) const {
  if (!options_.communicator) {
    return value;
  }
  at::Tensor sum = at::tensor({value}, at::kDouble);
  options_.communicator->allreduceSum(sum);
  return sum.item<double>() / options_.communicator->worldSize();
}

EpochRecord Trainer::runEpoch(int epoch, ProgressReporter& progress, double secondsBefore) {
  const auto begin = std::chrono::steady_clock::now();
  const double communicationBefore = options_.communicator ? options_.communicator->blockedSeconds() : 0.0;
  EpochRecord record;
  record.epoch = epoch + 1;
  record.learningRate =
      options_.learningRate * std::pow(1.0 - static_cast<double>(epoch) / static_cast<double>(options_.epochs), 0.9);
  for (auto& group : state_->optimizer->param_groups()) {
    group.options().set_lr(record.learningRate);
  }
  at::manual_seed(batchSeed(options_.seed, kTorchStream, static_cast<std::uint64_t>(epoch), 0));
  std::vector<std::uint64_t> seeds;
  for (int i = 0; i < options_.iterationsPerEpoch; ++i) {
    seeds.push_back(
        batchSeed(options_.seed, kTrainingStream, static_cast<std::uint64_t>(epoch), static_cast<std::uint64_t>(i)));
  }
  const double waitBefore = state_->trainingLoader->waitSeconds();
  state_->trainingLoader->start(seeds);
  network_->train();
  progress.start("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(options_.epochs));
  // The losses are summed where they are computed (in double, in order: the same sum as on the host).
  // On a GPU the host reads the sum about once a second, not at every step, so that it can queue the
  // next step while the device still computes (a read waits for the device).
  const bool readEveryStep = !state_->device.is_cuda();
  at::Tensor lossSumOnDevice = at::zeros({}, at::TensorOptions().dtype(at::kDouble).device(state_->device));
  double lossSum = 0;
  auto lastRead = std::chrono::steady_clock::now();
  for (int i = 0; i < options_.iterationsPerEpoch; ++i) {
    Batch batch = state_->trainingLoader->next();
    const at::Tensor image = batch.image.to(state_->device, /*non_blocking=*/true);
    const at::Tensor target = batch.target.to(state_->device, /*non_blocking=*/true);
    state_->optimizer->zero_grad();
    at::Tensor loss;
    {
      CudaAutocast guard(state_->autocast, state_->autocastType);
      loss = deepSupervisionLoss(network_->forwardDeepSupervision(image), target, state_->diceStatisticsSum);
    }
    (state_->scaler ? state_->scaler->scale(loss) : loss).backward();
    if (state_->gradientAverager) {
      state_->gradientAverager->finish();
    }
    // float16: gradients that overflowed (the same on every rank, they are averaged) skip the step.
    const bool finite = !state_->scaler || state_->scaler->unscale(network_->parameters());
    if (finite) {
      if (options_.gradientClip > 0) {
        clipGradientNorm(network_->parameters(), options_.gradientClip);
      }
      state_->optimizer->step();
    } else {
      ++record.skippedSteps;
    }
    if (state_->scaler) {
      state_->scaler->update(finite);
    }
    lossSumOnDevice.add_(loss.detach().to(at::kDouble));
    record.iterations = i + 1;
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - begin).count();
    const bool budgetSpent = options_.budgetSeconds > 0 && secondsBefore + elapsed >= options_.budgetSeconds;
    const bool last = i + 1 == options_.iterationsPerEpoch || budgetSpent;
    if (readEveryStep || last || std::chrono::duration<double>(now - lastRead).count() >= 1.0) {
      lossSum = lossSumOnDevice.item<double>();
      lastRead = now;
      if (!std::isfinite(lossSum)) {
        throw internalError("epoch " + std::to_string(epoch + 1) + ": the loss is not finite; lower the learning rate");
      }
      progress.update(static_cast<double>(i + 1) / options_.iterationsPerEpoch,
                      fmt::format("loss {:.4f}", lossSum / (i + 1)));
    }
    if (budgetSpent) {
      record.budgetSpent = true;
      break;
    }
  }
  // The loader prepared the rest of the epoch's batches; they are dropped (the next start() resets it).
  progress.finish();
  // Each rank's loss holds its own samples' cross-entropy (and the shared Dice): the mean is the global loss.
  record.trainingLoss = meanOverRanks(lossSum / std::max(1, record.iterations));
  record.dataWaitSeconds = state_->trainingLoader->waitSeconds() - waitBefore;
  validate(epoch, record);
  if (options_.communicator) {
    record.communicationSeconds = options_.communicator->blockedSeconds() - communicationBefore;
  }
  record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  return record;
}

void Trainer::validate(int epoch, EpochRecord& record) {
  (void)epoch;  // the same validation patches every epoch, so the curve shows the network, not the draw
  std::vector<std::uint64_t> seeds;
  for (int i = 0; i < options_.validationIterations; ++i) {
    seeds.push_back(batchSeed(options_.seed, kValidationStream, 0, static_cast<std::uint64_t>(i)));
  }
  state_->validationLoader->start(seeds);
  network_->eval();
  at::NoGradGuard noGradients;
  at::Tensor counts;
  double lossSum = 0;
  for (int i = 0; i < options_.validationIterations; ++i) {
    Batch batch = state_->validationLoader->next();
    const at::Tensor image = batch.image.to(state_->device);
    const at::Tensor target = batch.target.to(state_->device);
    at::Tensor logits;
    {
      CudaAutocast guard(state_->autocast, state_->autocastType);
      logits = network_->forward(image);
    }
    lossSum += diceCrossEntropyLoss(logits, target, state_->diceStatisticsSum).item<double>();
    const at::Tensor batchCounts = confusionCounts(logits, target);
    counts = counts.defined() ? counts + batchCounts : batchCounts;
  }
  if (options_.communicator && counts.defined()) {
    options_.communicator->allreduceSum(counts);
  }
  record.validationLoss = meanOverRanks(lossSum / std::max(1, options_.validationIterations));
  record.dicePerClass = counts.defined() ? diceFromCounts(counts) : std::vector<double>{};
  record.pseudoDice = meanIgnoringNan(record.dicePerClass);
  network_->train();
}

at::Tensor caseImageTensor(const TrainingCase& trainingCase) {
  return at::from_blob(const_cast<float*>(trainingCase.image.data()),
                       {1, trainingCase.channels, trainingCase.shape[0], trainingCase.shape[1], trainingCase.shape[2]},
                       at::kFloat)
      .clone();
}

std::vector<double> caseDice(const std::vector<TrainingCase>& cases, int classCount,
                             const std::function<at::Tensor(const at::Tensor&)>& predict) {
  at::Tensor counts = at::zeros({std::max(classCount - 1, 0), 3}, at::kLong);
  for (const auto& trainingCase : cases) {
    const at::Tensor logits = predict(caseImageTensor(trainingCase)).cpu();
    const at::Tensor truth =
        at::from_blob(const_cast<std::uint8_t*>(trainingCase.labels.data()),
                      {1, trainingCase.shape[0], trainingCase.shape[1], trainingCase.shape[2]}, at::kByte)
            .to(at::kLong);
    counts += confusionCounts(logits, truth);
  }
  return diceFromCounts(counts);
}

}  // namespace skipseg::training
