#include "skipseg/core/Progress.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace skipseg {
namespace {

using Clock = std::chrono::steady_clock;

class SilentProgress final : public ProgressReporter {
 public:
  void start(const std::string&, const std::string&) override {}
  void update(double, const std::string&) override {}
  void finish() override {}
};

double clampFraction(double fraction) {
  return fraction < 0 ? 0 : (fraction > 1 ? 1 : fraction);
}

class TerminalProgress final : public ProgressReporter {
 public:
  void start(const std::string& stage, const std::string&) override {
    stage_ = stage;
    begin_ = Clock::now();
    lastDraw_ = Clock::time_point{};
    draw(0.0, "", true);
  }
  void update(double fraction, const std::string& status) override { draw(clampFraction(fraction), status, false); }
  void finish() override {
    draw(1.0, "", true);
    std::fputc('\n', stderr);
    std::fflush(stderr);
  }

 private:
  void draw(double fraction, const std::string& status, bool force) {
    const auto now = Clock::now();
    if (!force && now - lastDraw_ < std::chrono::milliseconds(100)) {
      return;
    }
    lastDraw_ = now;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '.');
    const double elapsed = std::chrono::duration<double>(now - begin_).count();
    const double remaining = fraction > 0.01 ? elapsed * (1.0 - fraction) / fraction : -1.0;
    std::fprintf(stderr, "\r%-12s [%s] %3d%%  %6.1fs", stage_.c_str(), bar.c_str(), static_cast<int>(fraction * 100),
                 elapsed);
    if (remaining >= 0 && fraction < 1.0) {
      std::fprintf(stderr, "  ~%.0fs left", remaining);
    }
    if (!status.empty()) {
      std::fprintf(stderr, "  %s", status.c_str());
    }
    std::fputs("\033[K", stderr);
    std::fflush(stderr);
  }

  std::string stage_;
  Clock::time_point begin_;
  Clock::time_point lastDraw_;
};

// Slicer reads these tags from the module's stdout (SlicerExecutionModel's progress protocol).
class SlicerProgress final : public ProgressReporter {
 public:
  void start(const std::string& stage, const std::string& comment) override {
    std::printf("<filter-start>\n<filter-name>%s</filter-name>\n<filter-comment>%s</filter-comment>\n</filter-start>\n",
                stage.c_str(), comment.empty() ? stage.c_str() : comment.c_str());
    std::fflush(stdout);
    lastDraw_ = Clock::time_point{};
  }
  void update(double fraction, const std::string&) override {
    const auto now = Clock::now();
    if (now - lastDraw_ < std::chrono::milliseconds(100)) {
      return;
    }
    lastDraw_ = now;
    std::printf("<filter-progress>%.4f</filter-progress>\n", clampFraction(fraction));
    std::fflush(stdout);
  }
  void finish() override {
    std::printf("<filter-progress>1</filter-progress>\n<filter-end>\n<filter-name>done</filter-name>\n</filter-end>\n");
    std::fflush(stdout);
  }

 private:
  Clock::time_point lastDraw_;
};

bool runningUnderSlicer() {
  const char* forced = std::getenv("SKIPSEG_SLICER_PROGRESS");
  if (forced && *forced) {
    return std::string(forced) != "0";
  }
  // Slicer sets these for the CLI modules it launches.
  return std::getenv("SLICER_HOME") != nullptr || std::getenv("Slicer_HOME") != nullptr;
}

}  // namespace

std::unique_ptr<ProgressReporter> makeProgressReporter(ProgressStyle style) {
  if (style == ProgressStyle::Auto) {
    if (runningUnderSlicer()) {
      style = ProgressStyle::Slicer;
    } else if (isatty(STDERR_FILENO)) {
      style = ProgressStyle::Terminal;
    } else {
      style = ProgressStyle::Silent;
    }
  }
  switch (style) {
    case ProgressStyle::Terminal: return std::make_unique<TerminalProgress>();
    case ProgressStyle::Slicer: return std::make_unique<SlicerProgress>();
    default: return std::make_unique<SilentProgress>();
  }
}

ProgressReporter& silentProgress() {
  static SilentProgress silent;
  return silent;
}

}  // namespace skipseg
