#include "skipseg/core/Interrupt.h"

#include "skipseg/core/Error.h"

#include <atomic>
#include <csignal>
#include <cstring>

namespace skipseg {
namespace {

// Lock-free, so reading and writing it from a handler is async-signal-safe.
std::atomic<int> pendingSignal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal flag must be lock-free");

extern "C" void recordSignal(int signal) {
  int expected = 0;
  if (!pendingSignal.compare_exchange_strong(expected, signal)) {
    // A second signal: the user insists. Die of it (temporaries are cleaned by the next run).
    std::signal(signal, SIG_DFL);
    std::raise(signal);
  }
}

class InterruptibleProgress final : public ProgressReporter {
 public:
  explicit InterruptibleProgress(std::unique_ptr<ProgressReporter> inner) : inner_(std::move(inner)) {}
  void start(const std::string& stage, const std::string& comment) override {
    throwIfInterrupted();
    inner_->start(stage, comment);
  }
  void update(double fraction, const std::string& status) override {
    throwIfInterrupted();
    inner_->update(fraction, status);
  }
  void finish() override {
    throwIfInterrupted();
    inner_->finish();
  }

 private:
  std::unique_ptr<ProgressReporter> inner_;
};

}  // namespace

void installInterruptHandlers() {
  struct sigaction action {};
  action.sa_handler = recordSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // reads and writes in progress finish; the next safe point stops
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

void stopAtOnceOnInterrupt() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

int pendingInterrupt() noexcept {
  return pendingSignal.load();
}

void throwIfInterrupted() {
  const int signal = pendingSignal.load();
  if (signal == 0) {
    return;
  }
  const bool terminated = signal == SIGTERM;
  throw Error(
      terminated ? ExitCode::Terminated : ExitCode::Interrupted,
      std::string("interrupted by ") + (terminated ? "SIGTERM" : "SIGINT") + "; the unfinished outputs were removed");
}

void raiseInterruptForTesting(int signal) noexcept {
  pendingSignal.store(signal);
}

void clearInterruptForTesting() noexcept {
  pendingSignal.store(0);
}

std::unique_ptr<ProgressReporter> interruptible(std::unique_ptr<ProgressReporter> inner) {
  return std::make_unique<InterruptibleProgress>(std::move(inner));
}

}  // namespace skipseg
