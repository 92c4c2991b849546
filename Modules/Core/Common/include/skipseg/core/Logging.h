#pragma once
// Logging through spdlog (well kept, fast, formats with fmt). Logs go to stderr so that stdout stays
// for results (JSON of skipseg-info, Slicer's progress protocol). Logs say what was done with what.
#include <spdlog/spdlog.h>

#include <string>

namespace skipseg {

enum class LogLevel { Debug, Info, Warning, Error, Off };

/// Parses "debug|info|warning|error|off"; throws a usage error otherwise.
LogLevel parseLogLevel(const std::string& text);

/// Sets the level of the console logger (stderr) and, when `logFile` is not empty, also logs to it.
void configureLogging(LogLevel level, const std::string& logFile = "");

}  // namespace skipseg
