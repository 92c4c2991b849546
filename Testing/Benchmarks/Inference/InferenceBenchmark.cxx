// The network part of the segmentation target (issue 3): a volume in the model's grid (default
// 244x202x224), 96^3 patches, overlap 0.5, float32, through
//   SlidingWindow/<net>: slidingWindowInference (tiles, Gaussian blending, accumulation), and
//   BareForward/<net>:   the same tiles through a plain forward loop (the floor on this machine).
// Networks: "resunet" (SkipSeg's residual U-Net, ~4.8M parameters, eager C++), and the TorchScript
// fixture as loaded ("torchscript-eager") and frozen + optimised for inference ("torchscript-frozen").
//
//   SkipSegInferenceBenchmark [--volume=XxYxZ] [--patch=N] [--tile-batch=N] [--threads=N] [--device=cpu|cuda]
//                             [--networks=resunet,torchscript-eager,torchscript-frozen] [--model=model.pt]
//                             [--iterations=N] [benchmark flags]
// Each case runs one iteration by default (a full volume takes minutes on a small CPU); the summary
// at the end gives tiles/s per case and the SlidingWindow/BareForward ratio per network.
#include "skipseg/inference/ComputeSettings.h"
#include "skipseg/inference/SlidingWindow.h"
#include "skipseg/inference/TileGrid.h"
#include "skipseg/nn/SegmentationNetwork.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <benchmark/benchmark.h>
#include <c10/core/InferenceMode.h>
#include <torch/cuda.h>
#include <torch/script.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace {

struct Settings {
  std::vector<int64_t> volume{244, 202, 224};
  int64_t patch = 96;
  int tileBatch = 1;
  int iterations = 1;  // timed runs per case (their mean); the GPU check uses several
  int threads = 0;     // 0: every core, as skipseg-segment does
  std::string device = "cpu";
  std::string networks = "resunet,torchscript-eager,torchscript-frozen";
  std::string model = SKIPSEG_DEFAULT_TORCHSCRIPT_MODEL;
};

Settings settings;
std::map<std::string, double> secondsPerRun;  // "<case>/<network>" -> mean seconds of one pass
std::map<std::string, int64_t> parameterCounts;

std::vector<int64_t> parseVolume(const std::string& text) {
  std::vector<int64_t> sizes;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, 'x')) sizes.push_back(std::stoll(part));
  if (sizes.size() != 3)
    throw std::runtime_error("--volume must be XxYxZ, not " + text);
  return sizes;
}

/// Takes this program's own flags out of argv, leaving Google Benchmark's.
void parseFlags(int& argc, char** argv) {
  int kept = 1;
  for (int index = 1; index < argc; ++index) {
    const std::string argument = argv[index];
    auto value = [&](const char* name) -> const char* {
      const std::string prefix = std::string(name) + "=";
      return argument.compare(0, prefix.size(), prefix) == 0 ? argv[index] + prefix.size() : nullptr;
    };
    if (const char* v = value("--volume"))
      settings.volume = parseVolume(v);
    else if (const char* v = value("--patch"))
      settings.patch = std::stoll(v);
    else if (const char* v = value("--tile-batch"))
      settings.tileBatch = std::stoi(v);
    else if (const char* v = value("--iterations"))
      settings.iterations = std::max(1, std::stoi(v));
    else if (const char* v = value("--device"))
      settings.device = v;
    else if (const char* v = value("--networks"))
      settings.networks = v;
    else if (const char* v = value("--model"))
      settings.model = v;
    else
      argv[kept++] = argv[index];
  }
  argc = kept;
}

c10::Device device() {
  return settings.device == "cpu" ? c10::Device(c10::kCPU) : c10::Device(settings.device);
}

/// A network callable plus whatever keeps it alive.
struct BenchmarkNetwork {
  std::shared_ptr<skipseg::nn::SegmentationNetwork> native;
  std::shared_ptr<torch::jit::Module> script;
  skipseg::inference::Network forward;
};

int64_t countParameters(const std::vector<at::Tensor>& parameters) {
  int64_t count = 0;
  for (const auto& parameter : parameters) count += parameter.numel();
  return count;
}

BenchmarkNetwork makeNetwork(const std::string& name) {
  BenchmarkNetwork network;
  if (name == "resunet") {
    // Five levels of 16..256 features with residual units: about the size of the 4.8M-parameter model.
    network.native = skipseg::nn::createNetwork({{"architecture", "resunet"},
                                                 {"spatial_dims", 3},
                                                 {"in_channels", 1},
                                                 {"out_channels", 3},
                                                 {"base_features", 16},
                                                 {"depth", 4},
                                                 {"seed", 1}});
    network.native->to(device());
    network.native->eval();
    parameterCounts[name] = countParameters(network.native->parameters());
    auto module = network.native;
    network.forward = [module](const at::Tensor& x) { return module->forward(x); };
    return network;
  }
  auto module = std::make_shared<torch::jit::Module>(torch::jit::load(settings.model, device()));
  module->eval();
  std::vector<at::Tensor> parameters;
  for (const auto& parameter : module->parameters()) parameters.push_back(parameter);
  parameterCounts[name] = countParameters(parameters);
  if (name == "torchscript-frozen") {
    torch::jit::Module frozen = torch::jit::freeze(*module);
    *module = torch::jit::optimize_for_inference(frozen);
  } else if (name != "torchscript-eager") {
    throw std::runtime_error("unknown network " + name);
  }
  network.script = module;
  network.forward = [module](const at::Tensor& x) { return module->forward({x}).toTensor(); };
  return network;
}

at::Tensor makeVolume() {
  at::manual_seed(3);
  std::vector<int64_t> shape{1, 1};
  shape.insert(shape.end(), settings.volume.begin(), settings.volume.end());
  return at::randn(shape).to(device());
}

void synchronise() {
  if (device().is_cuda())
    torch::cuda::synchronize();
}

void runSlidingWindow(benchmark::State& state, const std::string& name) {
  c10::InferenceMode inferenceMode;
  BenchmarkNetwork network = makeNetwork(name);
  const at::Tensor volume = makeVolume();
  skipseg::inference::SlidingWindowOptions options;
  options.patchSize = {settings.patch, settings.patch, settings.patch};
  options.tileBatch = settings.tileBatch;
  options.device = device();
  network.forward(volume.narrow(2, 0, settings.patch).narrow(3, 0, settings.patch).narrow(4, 0, settings.patch));
  int64_t tiles = 0;
  double seconds = 0;
  for (auto _ : state) {
    skipseg::inference::SlidingWindowStatistics statistics;
    const auto start = std::chrono::steady_clock::now();
    at::Tensor blended = skipseg::inference::slidingWindowInference(volume, network.forward, options,
                                                                    skipseg::silentProgress(), &statistics);
    synchronise();
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    benchmark::DoNotOptimize(blended.data_ptr());
    tiles = statistics.tiles;
  }
  secondsPerRun["SlidingWindow/" + name] = seconds / static_cast<double>(state.iterations());
  state.counters["tiles"] = static_cast<double>(tiles);
  state.counters["tiles_per_s"] =
      benchmark::Counter(static_cast<double>(tiles * state.iterations()), benchmark::Counter::kIsRate);
  state.counters["parameters"] = static_cast<double>(parameterCounts[name]);
}

void runBareForward(benchmark::State& state, const std::string& name) {
  c10::InferenceMode inferenceMode;
  BenchmarkNetwork network = makeNetwork(name);
  const at::Tensor volume = makeVolume();
  const std::vector<int64_t> patch{settings.patch, settings.patch, settings.patch};
  const auto origins = skipseg::inference::tileOrigins(settings.volume, patch, 0.5);
  network.forward(volume.narrow(2, 0, settings.patch).narrow(3, 0, settings.patch).narrow(4, 0, settings.patch));
  double seconds = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t first = 0; first < origins.size(); first += static_cast<std::size_t>(settings.tileBatch)) {
      std::vector<at::Tensor> tiles;
      for (std::size_t t = first; t < std::min(origins.size(), first + settings.tileBatch); ++t) {
        tiles.push_back(volume.narrow(2, origins[t][0], settings.patch)
                            .narrow(3, origins[t][1], settings.patch)
                            .narrow(4, origins[t][2], settings.patch));
      }
      benchmark::DoNotOptimize(network.forward(at::cat(tiles, 0)).data_ptr());
    }
    synchronise();
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  secondsPerRun["BareForward/" + name] = seconds / static_cast<double>(state.iterations());
  const auto tiles = static_cast<double>(origins.size());
  state.counters["tiles"] = tiles;
  state.counters["tiles_per_s"] =
      benchmark::Counter(tiles * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["parameters"] = static_cast<double>(parameterCounts[name]);
}

}  // namespace

int main(int argc, char** argv) {
  parseFlags(argc, argv);
  std::stringstream names(settings.networks);
  std::vector<std::string> networks;
  for (std::string name; std::getline(names, name, ',');) {
    if (name.rfind("torchscript", 0) == 0 && !std::ifstream(settings.model)) {
      std::fprintf(stderr, "skipping %s: %s not found (--model=PATH)\n", name.c_str(), settings.model.c_str());
      continue;
    }
    networks.push_back(name);
  }
  for (const auto& name : networks) {
    benchmark::RegisterBenchmark(("SlidingWindow/" + name).c_str(), runSlidingWindow, name)
        ->Unit(benchmark::kSecond)
        ->Iterations(settings.iterations)
        ->UseRealTime();
    benchmark::RegisterBenchmark(("BareForward/" + name).c_str(), runBareForward, name)
        ->Unit(benchmark::kSecond)
        ->Iterations(settings.iterations)
        ->UseRealTime();
  }
  benchmark::Initialize(&argc, argv);
  skipseg::inference::applyThreadCount(settings.threads);
  std::printf("volume %lldx%lldx%lld, patch %lld^3, overlap 0.5, tile batch %d, float32, device %s, %d CPU threads\n",
              static_cast<long long>(settings.volume[0]), static_cast<long long>(settings.volume[1]),
              static_cast<long long>(settings.volume[2]), static_cast<long long>(settings.patch), settings.tileBatch,
              settings.device.c_str(), at::get_num_threads());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  for (const auto& name : networks) {
    const auto sliding = secondsPerRun.find("SlidingWindow/" + name), bare = secondsPerRun.find("BareForward/" + name);
    if (sliding != secondsPerRun.end() && bare != secondsPerRun.end()) {
      std::printf("%-20s %9lld parameters: sliding window %.4f s, bare forward loop %.4f s, ratio %.3f\n", name.c_str(),
                  static_cast<long long>(parameterCounts[name]), sliding->second, bare->second,
                  sliding->second / bare->second);
    }
  }
  return 0;
}
