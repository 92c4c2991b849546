// The main() of every SkipSeg test program: GoogleTest's, plus a handler for fatal signals that names
// the test that crashed and prints a backtrace before the process dies as it would have. A crash on a
// machine we can reach only for minutes (the GPU machine) must say where it happened in one run.
#include <gtest/gtest.h>

#include <execinfo.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

namespace {

void writeToStandardError(const char* text) {
  const ssize_t ignored = ::write(STDERR_FILENO, text, std::strlen(text));
  (void)ignored;
}

void reportFatalSignal(int signal) {
  // Not strictly async-signal-safe (strsignal, the test registry): acceptable in a process about to die.
  writeToStandardError("\n*** fatal signal: ");
  writeToStandardError(strsignal(signal));
  if (const auto* test = ::testing::UnitTest::GetInstance()->current_test_info()) {
    writeToStandardError(" in test ");
    writeToStandardError(test->test_suite_name());
    writeToStandardError(".");
    writeToStandardError(test->name());
  }
  writeToStandardError("; backtrace (innermost first):\n");
  void* frames[64];
  const int count = backtrace(frames, 64);
  backtrace_symbols_fd(frames, count, STDERR_FILENO);
  // SA_RESETHAND restored the default action: dying by the same signal keeps CTest's report honest.
  std::raise(signal);
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  struct sigaction action {};
  action.sa_handler = reportFatalSignal;
  action.sa_flags = SA_RESETHAND | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  for (const int signal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) {
    sigaction(signal, &action, nullptr);
  }
  return RUN_ALL_TESTS();
}
