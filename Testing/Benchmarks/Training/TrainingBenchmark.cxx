// Throughput of skipseg-train's loop for one fixed configuration: a 3D nnU-Net-style network (4
// stages, 16 to 128 features), patches of 64^3, batch 2, full augmentation, SGD, on the CPU (or
// CUDA when SKIPSEG_BENCHMARK_DEVICE=cuda). SKIPSEG_BENCHMARK_PLAN=fullres trains instead what nnU-Net's
// rules give a CT-like 3d_fullres plan: 6 stages, 32 to 320 features, patches of 128^3 (issue 10's GPU
// figure); SKIPSEG_BENCHMARK_ITERATIONS overrides the iterations (4 on the CPU, 40 on CUDA).
// Reported per run: iterations/s, patches/s and the share
// of the epoch the network waited for data ("data_wait"), for 0, 1 and 2 loader threads; "step_per_s" is
// the rate without that wait, the figure to compare with a plain PyTorch loop whose batches are ready
// (Testing/Benchmarks/Peers/compare-training-with-pytorch.sh runs both).
#include "skipseg/core/Progress.h"
#include "skipseg/nn/SegmentationNetwork.h"
#include "skipseg/training/Trainer.h"

#include <ATen/ATen.h>
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <random>

namespace {

using namespace skipseg;

struct BenchmarkPlan {
  int stages = 4;
  int baseFeatures = 16;
  int maxFeatures = 128;
  int64_t patch = 64;
  int64_t caseSize = 128;  // cubic cases, larger than the patch
};

BenchmarkPlan benchmarkPlan() {
  const char* variable = std::getenv("SKIPSEG_BENCHMARK_PLAN");
  if (variable && std::string(variable) == "fullres") {
    return {6, 32, 320, 128, 160};
  }
  return {};
}

std::shared_ptr<const std::vector<training::TrainingCase>> syntheticCases(int64_t size) {
  auto cases = std::make_shared<std::vector<training::TrainingCase>>();
  std::mt19937 generator(1);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  // A box of foreground in the middle of each case, under noise.
  const auto inBox = [size](int64_t i) { return i > size * 3 / 10 && i < size * 7 / 10; };
  for (int n = 0; n < 4; ++n) {
    training::TrainingCase trainingCase;
    trainingCase.id = "case" + std::to_string(n);
    trainingCase.shape = {size, size, size};
    trainingCase.image.resize(static_cast<std::size_t>(trainingCase.voxelCount()));
    trainingCase.labels.resize(trainingCase.image.size());
    std::size_t v = 0;
    for (int64_t z = 0; z < size; ++z) {
      for (int64_t y = 0; y < size; ++y) {
        for (int64_t x = 0; x < size; ++x, ++v) {
          const bool inside = inBox(z) && inBox(y) && inBox(x);
          trainingCase.labels[v] = inside ? 1 : 0;
          trainingCase.image[v] = (inside ? 1.5f : 0.0f) + noise(generator);
        }
      }
    }
    cases->push_back(std::move(trainingCase));
  }
  return cases;
}

void trainingThroughput(benchmark::State& state) {
  static const BenchmarkPlan plan = benchmarkPlan();
  static const auto cases = syntheticCases(plan.caseSize);
  const char* deviceVariable = std::getenv("SKIPSEG_BENCHMARK_DEVICE");
  const std::string device = deviceVariable ? deviceVariable : "cpu";
  const char* iterationsVariable = std::getenv("SKIPSEG_BENCHMARK_ITERATIONS");
  const int iterations = iterationsVariable ? std::max(1, std::atoi(iterationsVariable)) : device == "cpu" ? 4 : 40;
  double seconds = 0, waited = 0;
  int epochs = 0;
  double parameters = 0;
  for (auto _ : state) {
    at::manual_seed(1);
    Json kernels = Json::array(), strides = Json::array();
    for (int stage = 0; stage < plan.stages; ++stage) {
      kernels.push_back({3, 3, 3});
      strides.push_back(stage == 0 ? Json{1, 1, 1} : Json{2, 2, 2});
    }
    const Json configuration{{"architecture", "nnunet"},
                             {"spatial_dims", 3},
                             {"in_channels", 1},
                             {"num_classes", 2},
                             {"kernel_sizes", kernels},
                             {"strides", strides},
                             {"base_features", plan.baseFeatures},
                             {"max_features", plan.maxFeatures}};
    auto network = nn::createNetwork(configuration);
    parameters = 0;
    for (const auto& parameter : network->parameters()) {
      parameters += static_cast<double>(parameter.numel());
    }
    training::SamplingOptions sampling;
    sampling.patchSize = {plan.patch, plan.patch, plan.patch};
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
