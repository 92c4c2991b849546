#pragma once
// One error type for the whole toolkit. Every failure a user can cause becomes a skipseg::Error
// whose message is a single line naming the file (when there is one) and the problem, and whose
// code is the documented exit status of the program (Documentation/ExitCodes.md).
#include <stdexcept>
#include <string>

namespace skipseg {

enum class ExitCode : int {
  Ok = 0,
  Failure = 1,        ///< some cases of a batch failed; the others were done
  Usage = 2,          ///< bad command line: unknown option, missing or malformed value
  BadInput = 3,       ///< an input file or folder is missing, unreadable, or not what it must be
  Internal = 4,       ///< a bug or an unexpected library failure
  Unsupported = 5,    ///< valid input that this version cannot handle (e.g. an unknown model format)
  OutputFailed = 6,   ///< the output could not be written (permissions, disk full)
  Interrupted = 130,  ///< stopped by SIGINT (Ctrl-C); the unfinished outputs were removed
  Terminated = 143,   ///< stopped by SIGTERM (kill, Slurm, a shutdown); the unfinished outputs were removed
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message);
  ExitCode code() const noexcept { return code_; }

 private:
  ExitCode code_;
};

/// "PATH: PROBLEM" as a BadInput error.
Error badInput(const std::string& path, const std::string& problem);
/// A usage error ("--model is required").
Error usageError(const std::string& problem);
/// "PATH: PROBLEM" as an Unsupported error.
Error unsupported(const std::string& path, const std::string& problem);
/// "PATH: PROBLEM" as an OutputFailed error.
Error outputFailed(const std::string& path, const std::string& problem);
/// An internal error: something that should not happen whatever the user did.
Error internalError(const std::string& problem);

/// Folds a message onto one line (newlines become "; "), so every error stays one line.
std::string oneLine(const std::string& message);

}  // namespace skipseg
