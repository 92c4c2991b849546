#pragma once
// Wall-clock timings per named stage ("read", "preprocess", "network", ...), in the order the
// stages ran, for logs and the JSON sidecars.
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "skipseg/core/JsonFile.h"

namespace skipseg {

class StageTimer {
 public:
  /// Starts timing `stage`; stops the previous stage if one is running.
  void start(const std::string& stage);
  /// Stops the running stage (if any) and logs its duration at info level.
  void stop();
  /// Seconds spent in `stage` (summed when it ran several times); 0 when it never ran.
  double seconds(const std::string& stage) const;
  double totalSeconds() const;
  const std::vector<std::pair<std::string, double>>& stages() const { return stages_; }
  /// {"read": 0.12, "network": 3.4, ..., "total": 3.6}
  OrderedJson toJson() const;

 private:
  std::vector<std::pair<std::string, double>> stages_;
  std::string running_;
  std::chrono::steady_clock::time_point begin_;
};

/// Stops the timer's stage at scope exit.
class ScopedStage {
 public:
  ScopedStage(StageTimer& timer, const std::string& stage) : timer_(timer) { timer_.start(stage); }
  ~ScopedStage() { timer_.stop(); }
  ScopedStage(const ScopedStage&) = delete;
  ScopedStage& operator=(const ScopedStage&) = delete;

 private:
  StageTimer& timer_;
};

}  // namespace skipseg
