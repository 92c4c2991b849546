#pragma once
// Logging through spdlog (well kept, fast, formats with fmt). Logs go to stderr so that stdout stays
// for results (JSON of skipseg-info, Slicer's progress protocol). Logs say what was done with what.
#include <spdlog/spdlog.h>

#include <string>

namespace skipseg {

enum class LogLevel { Debug, Info, Warning, Error, Off };

/// Parses "debug|info|warning|error|off"; throws a usage error otherwise.
LogLevel parseLogLevel(const std::string& text);

/// Sets the level of the console logger (stderr) and, when `logFile` is not empty, also logs to it at
/// the same level. Every message reaches the file at once (flushed line by line).
void configureLogging(LogLevel level, const std::string& logFile = "");

/// Also logs into `path` (appended) for as long as the object lives, at `level` or finer whatever the
/// console shows (a run's own log, such as training.log, stays complete at --log-level warning). Each
/// line is flushed as it is logged, so the file is current while a long run goes on and holds
/// everything up to the moment a run was killed.
class ScopedLogFile {
 public:
  explicit ScopedLogFile(const std::string& path, LogLevel level = LogLevel::Info);
  ~ScopedLogFile();
  ScopedLogFile(const ScopedLogFile&) = delete;
  ScopedLogFile& operator=(const ScopedLogFile&) = delete;

 private:
  spdlog::sink_ptr sink_;
  spdlog::level::level_enum previousLevel_;
};

}  // namespace skipseg
