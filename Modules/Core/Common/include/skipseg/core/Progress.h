#pragma once
// Progress of long work. One interface, three renderings: a bar on a terminal (stderr), Slicer's
// CLI protocol on stdout (<filter-progress>0.42</filter-progress>) when running under 3D Slicer, or
// nothing (batch logs, tests). Reporters are cheap to call often: they redraw at most ~10 times a second.
#include <chrono>
#include <memory>
#include <string>

namespace skipseg {

class ProgressReporter {
 public:
  virtual ~ProgressReporter() = default;
  /// A named stage begins (Slicer: <filter-start>).
  virtual void start(const std::string& stage, const std::string& comment = "") = 0;
  /// Fraction done in [0, 1] of the current stage, with an optional short status (e.g. "loss 0.31").
  virtual void update(double fraction, const std::string& status = "") = 0;
  /// The current stage ended (Slicer: <filter-end>).
  virtual void finish() = 0;
};

enum class ProgressStyle { Auto, Terminal, Slicer, Silent };

/// Auto: Slicer when SKIPSEG_SLICER_PROGRESS or Slicer's environment is detected, Terminal when
/// stderr is a TTY, else Silent.
std::unique_ptr<ProgressReporter> makeProgressReporter(ProgressStyle style = ProgressStyle::Auto);

/// A reporter that ignores everything (for library calls with no user watching).
ProgressReporter& silentProgress();

}  // namespace skipseg
