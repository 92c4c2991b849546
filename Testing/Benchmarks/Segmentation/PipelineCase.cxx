// One scan through the segmentation pipeline, in this process, with resident memory watched per phase.
#include "SegmentationBenchmark.h"

#include "skipseg/core/Progress.h"
#include "skipseg/segmentation/SegmentationPipeline.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

namespace skipseg::benchmarks {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Samples VmRSS every few milliseconds and keeps the largest value per named phase, so the report can
/// say which phase sets the process's peak (VmHWM gives only the peak itself).
class MemorySampler {
 public:
  explicit MemorySampler(const std::string& firstPhase) : phase_(firstPhase) {
    order_.push_back(firstPhase);
    thread_ = std::thread([this] {
      while (!stopped_) {
        record(residentMiB());
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
  }
  ~MemorySampler() { stop(); }

  /// Ends the current phase (with one last sample) and starts `phase`.
  void enter(const std::string& phase) {
    record(residentMiB());
    std::lock_guard<std::mutex> lock(mutex_);
    phase_ = phase;
    order_.push_back(phase);
  }

  void stop() {
    if (!stopped_.exchange(true)) {
      thread_.join();
      record(residentMiB());
    }
  }

  OrderedJson peaks() const {
    std::lock_guard<std::mutex> lock(mutex_);
    OrderedJson result = OrderedJson::object();
    for (const auto& phase : order_) result[phase] = peaks_.count(phase) ? peaks_.at(phase) : -1.0;
    return result;
  }

 private:
  void record(double mib) {
    std::lock_guard<std::mutex> lock(mutex_);
    double& peak = peaks_[phase_];
    peak = std::max(peak, mib);
  }

  mutable std::mutex mutex_;
  std::string phase_;
  std::vector<std::string> order_;
  std::map<std::string, double> peaks_;
  std::atomic<bool> stopped_{false};
  std::thread thread_;
};

/// Watches the pipeline's progress calls: the outermost stage that starts during finish() is the
/// network; when it ends, back-mapping, postprocessing and writing follow.
class PhaseProgress : public ProgressReporter {
 public:
  explicit PhaseProgress(MemorySampler& sampler) : sampler_(sampler) {}
  void start(const std::string&, const std::string&) override {
    if (depth_++ == 0 && !networkSeen_) {
      networkSeen_ = true;
      sampler_.enter("network");
    }
  }
  void update(double, const std::string&) override {}
  void finish() override {
    if (--depth_ == 0 && networkSeen_ && !afterNetwork_) {
      afterNetwork_ = true;
      sampler_.enter("resample+postprocess+write");
    }
  }

 private:
  MemorySampler& sampler_;
  int depth_ = 0;
  bool networkSeen_ = false;
  bool afterNetwork_ = false;
};

}  // namespace

int runPipelineCase(const BenchmarkSettings& settings, const std::string& input, const std::string& outputLabels,
                    const std::string& resultPath) {
  const auto started = Clock::now();
  const double residentAtStart = residentMiB();
  MemorySampler sampler("model load");

  segmentation::PipelineOptions options;
  options.inference.device = settings.device;
  options.inference.threads = settings.threads;
  options.inference.tileBatch = settings.tileBatch;
  segmentation::SegmentationPipeline pipeline({settings.model}, options);
  const double loadSeconds = secondsSince(started);
  const double residentAfterLoad = residentMiB();

  segmentation::CaseRequest request;
  request.inputs = {input};
  request.outputLabels = outputLabels;
  request.commandLine = {{"benchmark", "SkipSegSegmentationBenchmark"}};
  // run() rather than prepare() + finish(): PreparedCase is incomplete outside the pipeline, so a caller
  // cannot destroy what prepare() returns. No progress is reported before the network starts.
  sampler.enter("read+preprocess");
  PhaseProgress progress(sampler);
  const segmentation::CaseResult result = pipeline.run(request, progress);
  sampler.stop();

  OrderedJson record;
  record["input"] = input;
  record["native_size"] = result.sidecar["native_geometry"]["size"];
  record["native_spacing"] = result.sidecar["native_geometry"]["spacing"];
  record["model_grid_size"] = result.sidecar["model_grid"]["size"];
  record["timings_seconds"] = result.sidecar["timings_seconds"];
  record["inference"] = result.sidecar["inference"];
  record["labels"] = result.sidecar["labels"];
  record["model_load_seconds"] = loadSeconds;
  record["case_seconds"] = secondsSince(started) - loadSeconds;
  record["resident_mib"] = {{"at_start", residentAtStart}, {"after_model_load", residentAfterLoad}};
  record["peak_resident_mib"] = peakResidentMiB();
  record["peak_resident_mib_per_phase"] = sampler.peaks();
  writeJsonFile(resultPath, record);
  return 0;
}

}  // namespace skipseg::benchmarks
