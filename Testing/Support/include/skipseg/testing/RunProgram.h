#pragma once
#include <string>
#include <vector>

namespace skipseg::testing {

struct ProgramResult {
  int exitCode = -1;
  std::string standardOutput;
  std::string standardError;
};

/// Runs a built program (a name in binaryDir(), or an absolute path) with arguments, no shell,
/// and returns its exit code and captured output. For tests of the real command lines.
ProgramResult runProgram(const std::string& program, const std::vector<std::string>& arguments);

/// A built program started in the background, for tests that signal it while it works.
class StartedProgram {
 public:
  StartedProgram(const std::string& program, const std::vector<std::string>& arguments);
  /// Kills (SIGKILL) and reaps the program if the test did not wait for it.
  ~StartedProgram();
  StartedProgram(const StartedProgram&) = delete;
  StartedProgram& operator=(const StartedProgram&) = delete;

  /// Sends `signal` (SIGINT, SIGTERM) to the program.
  void signal(int signal) const;
  /// True once the program has ended (does not block).
  bool finished();
  /// What it wrote to stderr so far.
  std::string standardError() const;
  /// Waits for the end. exitCode is the status of a normal exit, or 128 + the signal that killed it;
  /// killedBy is that signal (0 after a normal exit).
  ProgramResult wait();
  int killedBy() const { return killedBy_; }

 private:
  int pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
  int killedBy_ = 0;
  std::string captureFolder_;
};

}  // namespace skipseg::testing
