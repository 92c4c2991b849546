// Throughput of skipseg-train's loop for one fixed configuration: a 3D nnU-Net-style network (4
// stages, 16 to 128 features), patches of 64^3, batch 2, full augmentation, SGD, on the CPU (or
// CUDA when SKIPSEG_BENCHMARK_DEVICE=cuda). Reported per run: iterations/s, patches/s and the share
// of the epoch the network waited for data ("data_wait"), for 0, 1 and 2 loader threads; "step_per_s" is
// the rate without that wait, the figure to compare with a plain PyTorch loop whose batches are ready
// (Testing/Benchmarks/Peers/compare-training-with-pytorch.sh runs both).
#include "skipseg/core/Progress.h"
#include "skipseg/nn/SegmentationNetwork.h"
#include "skipseg/training/Trainer.h"

#include <ATen/ATen.h>
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>

namespace {

using namespace skipseg;

std::shared_ptr<const std::vector<training::TrainingCase>> syntheticCases() {
  auto cases = std::make_shared<std::vector<training::TrainingCase>>();
  std::mt19937 generator(1);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  for (int n = 0; n < 4; ++n) {
    training::TrainingCase trainingCase;
    trainingCase.id = "case" + std::to_string(n);
    trainingCase.shape = {96, 128, 128};
    trainingCase.image.resize(static_cast<std::size_t>(trainingCase.voxelCount()));
    trainingCase.labels.resize(trainingCase.image.size());
    for (std::size_t v = 0; v < trainingCase.image.size(); ++v) {
      const bool inside =
          (v / (128 * 128)) % 96 > 40 && (v / 128) % 128 > 50 && (v / 128) % 128 < 90 && v % 128 > 30 && v % 128 < 80;
      trainingCase.labels[v] = inside ? 1 : 0;
      trainingCase.image[v] = (inside ? 1.5f : 0.0f) + noise(generator);
    }
    cases->push_back(std::move(trainingCase));
  }
  return cases;
}

void trainingThroughput(benchmark::State& state) {
  static const auto cases = syntheticCases();
  const char* deviceVariable = std::getenv("SKIPSEG_BENCHMARK_DEVICE");
  const std::string device = deviceVariable ? deviceVariable : "cpu";
  const int iterations = device == "cpu" ? 4 : 40;
  double seconds = 0, waited = 0;
  int epochs = 0;
  double parameters = 0;
  for (auto _ : state) {
    at::manual_seed(1);
    const Json configuration{{"architecture", "nnunet"},
                             {"spatial_dims", 3},
                             {"in_channels", 1},
                             {"num_classes", 2},
                             {"kernel_sizes", {{3, 3, 3}, {3, 3, 3}, {3, 3, 3}, {3, 3, 3}}},
                             {"strides", {{1, 1, 1}, {2, 2, 2}, {2, 2, 2}, {2, 2, 2}}},
                             {"base_features", 16},
                             {"max_features", 128}};
    auto network = nn::createNetwork(configuration);
    parameters = 0;
    for (const auto& parameter : network->parameters()) {
      parameters += static_cast<double>(parameter.numel());
    }
    training::SamplingOptions sampling;
    sampling.patchSize = {64, 64, 64};
    sampling.batchSize = 2;
    training::TrainerOptions options;
    options.epochs = 1;
    options.iterationsPerEpoch = iterations;
    options.validationIterations = 1;
    options.loaderThreads = static_cast<int>(state.range(0));
    options.device = device;
    training::Trainer trainer(network, cases, cases, sampling, options);
    trainer.train(silentProgress());
    const auto& record = trainer.history().back();
    seconds += record.seconds;
    waited += record.dataWaitSeconds;
    ++epochs;
    state.SetIterationTime(record.seconds);
  }
  const double totalIterations = static_cast<double>(epochs) * iterations;
  state.counters["iterations_per_s"] = totalIterations / seconds;
  state.counters["patches_per_s"] = totalIterations * 2 / seconds;
  state.counters["data_wait"] = waited / seconds;
  state.counters["step_per_s"] = totalIterations / (seconds - waited);
  state.counters["parameters"] = parameters;
}

BENCHMARK(trainingThroughput)->Arg(0)->Arg(1)->Arg(2)->UseManualTime()->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
