#include "skipseg/programs/SegmentBatchWorker.h"

#include "skipseg/core/Error.h"
#include "skipseg/core/Interrupt.h"
#include "skipseg/core/Progress.h"
#include "skipseg/segmentation/SegmentationPipeline.h"

#include "SegmentationOptions.h"

#include <algorithm>
#include <thread>

namespace skipseg::programs {
namespace {

class PreparedScan final : public batch::PreparedCase {
 public:
  segmentation::PreparedCasePtr prepared;
};

segmentation::PipelineOptions pipelineOptions(const batch::WorkerSettings& settings) {
  segmentation::PipelineOptions options = segmentationOptionsFrom(withSegmentationDefaults(settings.options));
  if (options.inference.threads == 0 && settings.jobs > 1) {
    // "Every core" shared by the jobs: each takes its part instead of all of them (2 jobs on 2 cores
    // would otherwise run 4 threads).
    options.inference.threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / settings.jobs);
  }
  return options;
}

class SegmentWorker final : public batch::CaseWorker {
 public:
  explicit SegmentWorker(const batch::WorkerSettings& settings)
      : pipeline_({settings.model}, pipelineOptions(settings)),
        read_(scanReadOptionsFrom(withSegmentationDefaults(settings.options))) {}

  std::unique_ptr<batch::PreparedCase> load(const batch::CaseSpec& spec) override {
    auto scan = std::make_unique<PreparedScan>();
    scan->prepared = pipeline_.prepare(requestFor(spec));
    return scan;
  }

  Json process(batch::PreparedCase& prepared, const batch::CaseSpec& spec, const std::string& outputPath) override {
    segmentation::CaseRequest request = requestFor(spec);
    request.outputLabels = outputPath;
    auto& scan = static_cast<PreparedScan&>(prepared);
    // Safe points during inference too; the batch runner tells an interrupted case from a failed one.
    const auto progress = interruptible(makeProgressReporter(ProgressStyle::Silent));
    const auto result = pipeline_.finish(*scan.prepared, request, *progress);
    return {{"labels", result.sidecar["labels"]}, {"timings_seconds", result.sidecar["timings_seconds"]}};
  }

 private:
  segmentation::CaseRequest requestFor(const batch::CaseSpec& spec) const {
    segmentation::CaseRequest request;
    request.inputs = {spec.input};
    request.inputs.insert(request.inputs.end(), spec.extraInputs.begin(), spec.extraInputs.end());
    request.read = read_;
    request.read.seriesUid = spec.seriesUid;  // a series of a PACS export: its folder may hold others
    request.read.dicomFiles = spec.files;
    return request;
  }

  segmentation::SegmentationPipeline pipeline_;
  io::ReadOptions read_;
};

// What the model takes, for the batch checks made before any case.
batch::ModelInputs modelInputsOf(const ModelDescription& model) {
  batch::ModelInputs inputs;
  inputs.channels = model.inChannels;
  // A model that normalises every channel as CT expects Hounsfield units: CT series only.
  const bool allCt = !model.normalization.empty() &&
                     std::all_of(model.normalization.begin(), model.normalization.end(),
                                 [](const NormalizationSpec& n) { return n.scheme == NormalizationSpec::Scheme::Ct; });
  if (allCt) {
    inputs.modalities = {"CT"};
  }
  return inputs;
}

}  // namespace

batch::WorkerType segmentWorkerType() {
  batch::WorkerType type;
  type.name = "segment";
  type.description =
      "segment each scan as skipseg-segment does (labels on the scan's grid, a JSON sidecar beside them)";
  type.outputExtension = ".nii.gz";
  // Every option skipseg-segment has for how a scan is segmented (the inputs are the batch's cases).
  type.options = segmentationParameters();
  // Where and how fast the network runs does not change the labels beyond float rounding.
  type.optionsNotAffectingResults = {"device", "threads", "tile-batch", "slab-slices"};
  type.needsModel = true;
  type.create = [](const batch::WorkerSettings& settings) { return std::make_unique<SegmentWorker>(settings); };
  type.modelInputs = [](const batch::WorkerSettings& settings) {
    segmentation::PipelineOptions cpu;
    cpu.inference.device = "cpu";  // only the description is wanted: no device memory for it
    return modelInputsOf(segmentation::SegmentationPipeline({settings.model}, cpu).description());
  };
  return type;
}

}  // namespace skipseg::programs
