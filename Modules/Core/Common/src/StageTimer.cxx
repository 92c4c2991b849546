#include "skipseg/core/StageTimer.h"

#include <spdlog/spdlog.h>

namespace skipseg {

void StageTimer::start(const std::string& stage) {
  stop();
  running_ = stage;
  begin_ = std::chrono::steady_clock::now();
}

void StageTimer::stop() {
  if (running_.empty()) {
    return;
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin_).count();
  bool merged = false;
  for (auto& entry : stages_) {
    if (entry.first == running_) {
      entry.second += elapsed;
      merged = true;
    }
  }
  if (!merged) {
    stages_.emplace_back(running_, elapsed);
  }
  spdlog::info("stage {} took {:.3f} s", running_, elapsed);
  running_.clear();
}

double StageTimer::seconds(const std::string& stage) const {
  for (const auto& entry : stages_) {
    if (entry.first == stage) {
      return entry.second;
    }
  }
  return 0.0;
}

double StageTimer::totalSeconds() const {
  double total = 0.0;
  for (const auto& entry : stages_) {
    total += entry.second;
  }
  return total;
}

OrderedJson StageTimer::toJson() const {
  OrderedJson timings = OrderedJson::object();
  for (const auto& entry : stages_) {
    timings[entry.first] = entry.second;
  }
  timings["total"] = totalSeconds();
  return timings;
}

}  // namespace skipseg
