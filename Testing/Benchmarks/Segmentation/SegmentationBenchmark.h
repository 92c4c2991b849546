#pragma once
// The parts of SkipSegSegmentationBenchmark. Every measurement runs in a child process of its own
// (the program re-executes itself), because peak resident memory is a per-process figure:
//   runPipelineCase  one scan through skipseg::segmentation::SegmentationPipeline (ITK + Predictor)
//   runForwardFloor  the same model's forward over N patches in a bare loop (Torch only)
// Each writes its figures to a JSON result file that the driver (SegmentationBenchmark.cxx) tabulates.
#include "skipseg/core/JsonFile.h"

#include <string>

namespace skipseg::benchmarks {

struct BenchmarkSettings {
  std::string model;           ///< TorchScript file with skipseg.json
  std::string device = "cpu";  ///< as skipseg-segment --device
  int threads = 0;             ///< as skipseg-segment --threads (0: every core)
  int tileBatch = 1;           ///< as skipseg-segment --tile-batch
};

/// Segments `input` into `outputLabels` (sidecar beside it) and writes to `resultPath`: the sidecar's
/// timings and inference report, model loading time, and resident memory (peak of the process, and
/// peak per phase sampled every few milliseconds). Returns the process exit code.
int runPipelineCase(const BenchmarkSettings& settings, const std::string& input, const std::string& outputLabels,
                    const std::string& resultPath);

/// Loads the model as the pipeline does (frozen and optimised TorchScript) and runs `passes` forward passes
/// of tileBatch random patches of the model's patch size; writes the time of each to `resultPath`.
int runForwardFloor(const BenchmarkSettings& settings, int passes, const std::string& resultPath);

/// Writes `input` resampled to `spacingMm` (linear interpolation, rounded to whole units and stored as
/// int16 like a scanner's CT) to `output`; returns the new grid's size as "XxYxZ".
std::string writeResampledCopy(const std::string& input, double spacingMm, const std::string& output);

/// Resident memory of this process in MiB: now (VmRSS) and the peak so far (VmHWM); -1 where /proc lacks them.
double residentMiB();
double peakResidentMiB();

}  // namespace skipseg::benchmarks
