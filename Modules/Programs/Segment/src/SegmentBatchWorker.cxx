#include "skipseg/programs/SegmentBatchWorker.h"

#include "skipseg/core/Error.h"
#include "skipseg/core/Interrupt.h"
#include "skipseg/core/Progress.h"
#include "skipseg/segmentation/SegmentationPipeline.h"

#include <cstdlib>
#include <thread>

namespace skipseg::programs {
namespace {

using cli::ParameterKind;

class PreparedScan final : public batch::PreparedCase {
 public:
  segmentation::PreparedCasePtr prepared;
};

std::string optionValue(const batch::WorkerSettings& settings, const std::string& name, const std::string& fallback) {
  const auto found = settings.options.find(name);
  return found == settings.options.end() || found->second.empty() ? fallback : found->second.front();
}

segmentation::PipelineOptions pipelineOptions(const batch::WorkerSettings& settings) {
  segmentation::PipelineOptions options;
  options.inference.device = optionValue(settings, "device", "auto");
  options.inference.precision = optionValue(settings, "precision", "float32");
  options.inference.threads = std::atoi(optionValue(settings, "threads", "0").c_str());
  if (options.inference.threads == 0 && settings.jobs > 1) {
    // "Every core" shared by the jobs: each takes its part instead of all of them (2 jobs on 2 cores
    // would otherwise run 4 threads).
    options.inference.threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / settings.jobs);
  }
  options.inference.overlap = std::atof(optionValue(settings, "overlap", "0.5").c_str());
  options.inference.tileBatch = std::max(0, std::atoi(optionValue(settings, "tile-batch", "0").c_str()));
  options.inference.mirror = optionValue(settings, "mirror", "off") == "all";
  options.largestComponent = segmentation::parseLargestComponent(optionValue(settings, "largest-component", "none"));
  options.minimumComponentMm3 = std::atof(optionValue(settings, "min-component-mm3", "0").c_str());
  options.fillHoles = optionValue(settings, "fill-holes", "false") == "true";
  if (options.inference.overlap < 0 || options.inference.overlap >= 1) {
    throw usageError("--overlap must be in [0, 1)");
  }
  return options;
}

class SegmentWorker final : public batch::CaseWorker {
 public:
  explicit SegmentWorker(const batch::WorkerSettings& settings)
      : pipeline_({settings.model}, pipelineOptions(settings)) {}

  std::unique_ptr<batch::PreparedCase> load(const batch::CaseSpec& spec) override {
    auto scan = std::make_unique<PreparedScan>();
    segmentation::CaseRequest request;
    request.inputs = {spec.input};
    scan->prepared = pipeline_.prepare(request);
    return scan;
  }

  Json process(batch::PreparedCase& prepared, const batch::CaseSpec& spec, const std::string& outputPath) override {
    segmentation::CaseRequest request;
    request.inputs = {spec.input};
    request.outputLabels = outputPath;
    auto& scan = static_cast<PreparedScan&>(prepared);
    // Safe points during inference too; the batch runner tells an interrupted case from a failed one.
    const auto progress = interruptible(makeProgressReporter(ProgressStyle::Silent));
    const auto result = pipeline_.finish(*scan.prepared, request, *progress);
    return {{"labels", result.sidecar["labels"]}, {"timings_seconds", result.sidecar["timings_seconds"]}};
  }

 private:
  segmentation::SegmentationPipeline pipeline_;
};

cli::Parameter option(const std::string& name, ParameterKind kind, const std::string& help,
                      const std::string& fallback) {
  cli::Parameter parameter;
  parameter.name = name;
  parameter.kind = kind;
  parameter.help = help;
  parameter.defaultValue = fallback;
  parameter.group = "Segmentation";
  return parameter;
}

}  // namespace

batch::WorkerType segmentWorkerType() {
  batch::WorkerType type;
  type.name = "segment";
  type.description =
      "segment each scan as skipseg-segment does (labels on the scan's grid, a JSON sidecar beside them)";
  type.outputExtension = ".nii.gz";
  type.options.push_back(
      option("device", ParameterKind::String, "Where the network runs: auto, cpu, cuda or cuda:N.", "auto"));
  type.options.back().placeholder = "DEVICE";
  auto precision = option("precision", ParameterKind::Enumeration, "Network precision.", "float32");
  precision.choices = {"float32", "float16", "bfloat16"};
  type.options.push_back(precision);
  type.options.push_back(option("threads", ParameterKind::Integer, "CPU threads per job (0: every core).", "0"));
  type.options.push_back(option("overlap", ParameterKind::Float, "Sliding-window tile overlap, in [0, 1).", "0.5"));
  type.options.push_back(option("tile-batch", ParameterKind::Integer,
                                "Tiles per forward pass (0: sized from the patch and device).", "0"));
  auto mirror = option("mirror", ParameterKind::Enumeration, "Test-time mirroring: off or all.", "off");
  mirror.choices = {"off", "all"};
  type.options.push_back(mirror);
  auto largest = option("largest-component", ParameterKind::Enumeration,
                        "Keep the largest connected component: none, per-label or foreground.", "none");
  largest.choices = {"none", "per-label", "foreground"};
  type.options.push_back(largest);
  type.options.push_back(
      option("min-component-mm3", ParameterKind::Float, "Remove components smaller than this volume in mm3.", "0"));
  type.options.push_back(option("fill-holes", ParameterKind::Flag, "Fill holes enclosed by a label.", ""));
  // Where and how fast the network runs does not change the labels beyond float rounding.
  type.optionsNotAffectingResults = {"device", "threads", "tile-batch"};
  type.needsModel = true;
  type.create = [](const batch::WorkerSettings& settings) { return std::make_unique<SegmentWorker>(settings); };
  return type;
}

}  // namespace skipseg::programs
