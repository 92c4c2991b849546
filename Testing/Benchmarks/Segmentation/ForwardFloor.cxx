// The floor of the network stage: the model's forward over patches in a plain loop, no tiling,
// padding, blending or copying around it. Torch only (no ITK here).
#include "SegmentationBenchmark.h"

#include "skipseg/inference/ComputeSettings.h"
#include "skipseg/model/SegmentationModel.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <torch/cuda.h>

#include <chrono>

namespace skipseg::benchmarks {

int runForwardFloor(const BenchmarkSettings& settings, int passes, const std::string& resultPath) {
  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  const c10::Device device = inference::resolveDevice(settings.device);
  const int threads = inference::applyThreadCount(settings.threads);
  auto models = model::loadSegmentationModels(settings.model);
  model::SegmentationModel& network = *models.front();
  network.moveTo(device, c10::kFloat);  // frozen and optimised for inference, as the pipeline runs it
  const double loadSeconds = std::chrono::duration<double>(Clock::now() - started).count();

  const ModelDescription& description = network.description();
  std::vector<int64_t> shape{settings.tileBatch, description.inChannels};
  shape.insert(shape.end(), description.patchSize.begin(), description.patchSize.end());
  c10::InferenceMode inferenceMode;
  at::manual_seed(7);
  // Normalised intensities lie in [0, 1]; dense convolutions take the same time whatever the values.
  const at::Tensor tiles = at::rand(shape).to(device);

  std::vector<double> seconds;
  for (int pass = 0; pass < passes; ++pass) {
    const auto begin = Clock::now();
    at::Tensor output = network.forward(tiles);
    if (device.is_cuda())
      torch::cuda::synchronize();
    seconds.push_back(std::chrono::duration<double>(Clock::now() - begin).count());
  }
  double total = 0;
  for (const double value : seconds) total += value;

  OrderedJson record;
  record["device"] = device.str();
  record["threads"] = threads;
  record["tile_shape"] = shape;
  record["passes"] = passes;
  record["model_load_seconds"] = loadSeconds;
  record["forward_seconds"] = seconds;
  record["total_seconds"] = total;
  record["peak_resident_mib"] = peakResidentMiB();
  writeJsonFile(resultPath, record);
  return 0;
}

}  // namespace skipseg::benchmarks
