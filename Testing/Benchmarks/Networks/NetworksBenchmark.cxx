// Forward and forward+backward throughput of each architecture at typical patch sizes, as achieved
// GFLOP/s (FLOPs from summarizeNetwork) next to the GFLOP/s of a bare 3D convolution on the same
// device, the practical peak of convolution-bound networks.
//
//   SkipSegNetworksBenchmark [--device=cpu|cuda] [Google Benchmark flags, e.g. --benchmark_min_time=0.5]
//
// Counters: GFLOPs = FLOPs of one call (forward; forward+backward counted as 3x forward, the usual
// estimate: backward computes gradients for inputs and weights), GFLOP/s = achieved rate,
// vs_conv = GFLOP/s / GFLOP/s of the bare convolution (BM_BareConvolution3D).
#include "skipseg/nn/NetworkSummary.h"
#include "skipseg/nn/SegmentationNetwork.h"

#include <ATen/ATen.h>
#include <benchmark/benchmark.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/cuda.h>

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

namespace {

torch::Device benchmarkDevice = torch::kCPU;
double bareConvolutionRate = 0.0;  // FLOP/s of the reference convolution

void synchronize() {
  if (benchmarkDevice.is_cuda()) {
    torch::cuda::synchronize();
  }
}

// 32 -> 32 channels, 3x3x3, 64^3, batch 2: the shape that dominates a 3D U-Net's first levels.
constexpr int64_t kConvChannels = 32;
constexpr int64_t kConvSize = 64;

double bareConvolutionFlops() {
  return 2.0 * 2 * kConvChannels * kConvSize * kConvSize * kConvSize * kConvChannels * 27;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Plain numbers (not Google Benchmark rate counters, which would print "/s" after a ratio).
void setCounters(benchmark::State& state, double flopsPerCall, double seconds) {
  const double rate = flopsPerCall * static_cast<double>(state.iterations()) / seconds;
  state.counters["GFLOPs"] = flopsPerCall / 1e9;
  state.counters["GFLOP/s"] = rate / 1e9;
  state.counters["vs_conv"] = bareConvolutionRate > 0 ? rate / bareConvolutionRate : 0.0;
}

void BM_BareConvolution3D(benchmark::State& state) {
  torch::NoGradGuard noGradients;
  const auto options = torch::TensorOptions().device(benchmarkDevice);
  const auto input = torch::randn({2, kConvChannels, kConvSize, kConvSize, kConvSize}, options);
  const auto weight = torch::randn({kConvChannels, kConvChannels, 3, 3, 3}, options);
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    auto output = at::conv3d(input, weight, {}, {1, 1, 1}, {1, 1, 1});
    synchronize();
    benchmark::DoNotOptimize(output.data_ptr());
  }
  setCounters(state, bareConvolutionFlops(), secondsSince(start));
}

// Measured once before the network benchmarks so every row can show its fraction of it.
void measureBareConvolution() {
  torch::NoGradGuard noGradients;
  const auto options = torch::TensorOptions().device(benchmarkDevice);
  const auto input = torch::randn({2, kConvChannels, kConvSize, kConvSize, kConvSize}, options);
  const auto weight = torch::randn({kConvChannels, kConvChannels, 3, 3, 3}, options);
  at::conv3d(input, weight, {}, {1, 1, 1}, {1, 1, 1});  // warm-up (algorithm selection)
  synchronize();
  const int repetitions = 3;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repetitions; ++i) {
    at::conv3d(input, weight, {}, {1, 1, 1}, {1, 1, 1});
  }
  synchronize();
  bareConvolutionRate = repetitions * bareConvolutionFlops() / secondsSince(start);
}

struct Case {
  std::string label;
  nlohmann::json configuration;
  std::vector<int64_t> inputShape;
};

std::vector<Case> cases() {
  const nlohmann::json unet3d = {
      {"spatial_dims", 3}, {"in_channels", 1}, {"out_channels", 3}, {"base_features", 16}, {"depth", 4}};
  const nlohmann::json unet2d = {
      {"spatial_dims", 2}, {"in_channels", 1}, {"out_channels", 3}, {"base_features", 32}, {"depth", 5}};
  std::vector<Case> all;
  for (const std::string name : {"unet", "resunet", "unetpp"}) {
    auto three = unet3d;
    three["architecture"] = name;
    all.push_back({name + "_3D_64", three, {2, 1, 64, 64, 64}});
    auto two = unet2d;
    two["architecture"] = name;
    all.push_back({name + "_2D_256", two, {4, 1, 256, 256}});
  }
  all.push_back({"transunet_3D_64",
                 {{"architecture", "transunet"},
                  {"spatial_dims", 3},
                  {"in_channels", 1},
                  {"out_channels", 3},
                  {"base_features", 16},
                  {"depth", 3},
                  {"image_size", {64, 64, 64}},
                  {"hidden_size", 256},
                  {"num_layers", 4},
                  {"num_heads", 8}},
                 {2, 1, 64, 64, 64}});
  all.push_back({"transunet_2D_256",
                 {{"architecture", "transunet"},
                  {"spatial_dims", 2},
                  {"in_channels", 1},
                  {"out_channels", 3},
                  {"base_features", 32},
                  {"depth", 4},
                  {"image_size", {256, 256}},
                  {"hidden_size", 384},
                  {"num_layers", 6},
                  {"num_heads", 6}},
                 {4, 1, 256, 256}});
  return all;
}

void BM_Forward(benchmark::State& state, const Case& testCase) {
  auto network = skipseg::nn::createNetwork(testCase.configuration);
  network->to(benchmarkDevice);
  const double flops = skipseg::nn::summarizeNetwork(*network, testCase.inputShape).at("flops").get<double>();
  network->eval();
  torch::NoGradGuard noGradients;
  const auto input = torch::randn(testCase.inputShape, torch::TensorOptions().device(benchmarkDevice));
  network->forward(input);  // warm-up
  synchronize();
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    auto output = network->forward(input);
    synchronize();
    benchmark::DoNotOptimize(output.data_ptr());
  }
  setCounters(state, flops, secondsSince(start));
}

void BM_ForwardBackward(benchmark::State& state, const Case& testCase) {
  auto network = skipseg::nn::createNetwork(testCase.configuration);
  network->to(benchmarkDevice);
  const double flops = skipseg::nn::summarizeNetwork(*network, testCase.inputShape).at("flops").get<double>();
  network->train();
  const auto input = torch::randn(testCase.inputShape, torch::TensorOptions().device(benchmarkDevice));
  network->forward(input).mean().backward();  // warm-up
  synchronize();
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    network->zero_grad();
    network->forward(input).mean().backward();
    synchronize();
  }
  setCounters(state, 3.0 * flops, secondsSince(start));
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> arguments;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--device=cuda") == 0) {
      benchmarkDevice = torch::kCUDA;
    } else if (std::strcmp(argv[i], "--device=cpu") != 0) {
      arguments.push_back(argv[i]);
    }
  }
  if (benchmarkDevice.is_cuda() && !torch::cuda::is_available()) {
    std::fprintf(stderr, "SkipSegNetworksBenchmark: error: --device=cuda but CUDA is not available\n");
    return 2;
  }
  int count = static_cast<int>(arguments.size());
  benchmark::Initialize(&count, arguments.data());
  measureBareConvolution();
  benchmark::RegisterBenchmark("BM_BareConvolution3D", BM_BareConvolution3D)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  for (const auto& testCase : cases()) {
    benchmark::RegisterBenchmark(("BM_Forward/" + testCase.label).c_str(), BM_Forward, testCase)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark(("BM_ForwardBackward/" + testCase.label).c_str(), BM_ForwardBackward, testCase)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
