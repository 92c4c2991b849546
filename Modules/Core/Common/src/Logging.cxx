#include "skipseg/core/Logging.h"

#include "skipseg/core/Error.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <algorithm>
#include <vector>

namespace skipseg {
namespace {

spdlog::level::level_enum spdlogLevel(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return spdlog::level::debug;
    case LogLevel::Info: return spdlog::level::info;
    case LogLevel::Warning: return spdlog::level::warn;
    case LogLevel::Error: return spdlog::level::err;
    case LogLevel::Off: break;
  }
  return spdlog::level::off;
}

}  // namespace

LogLevel parseLogLevel(const std::string& text) {
  if (text == "debug")
    return LogLevel::Debug;
  if (text == "info")
    return LogLevel::Info;
  if (text == "warning" || text == "warn")
    return LogLevel::Warning;
  if (text == "error")
    return LogLevel::Error;
  if (text == "off" || text == "quiet")
    return LogLevel::Off;
  throw usageError("--log-level must be debug, info, warning, error or off, not \"" + text + "\"");
}

void configureLogging(LogLevel level, const std::string& logFile) {
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  if (!logFile.empty()) {
    try {
      sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(logFile, false));
    } catch (const spdlog::spdlog_ex& error) {
      throw outputFailed(logFile, std::string("cannot open the log file: ") + error.what());
    }
  }
  // Each sink keeps its own level: a ScopedLogFile may lower the logger's level for its file without
  // making the console more verbose.
  for (auto& sink : sinks) {
    sink->set_level(spdlogLevel(level));
  }
  auto logger = std::make_shared<spdlog::logger>("skipseg", sinks.begin(), sinks.end());
  logger->set_level(spdlogLevel(level));
  logger->flush_on(spdlog::level::trace);  // log files are read while a run goes on, or after a kill
  logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%^%l%$] %v");
  spdlog::set_default_logger(logger);
}

ScopedLogFile::ScopedLogFile(const std::string& path, LogLevel level) {
  try {
    sink_ = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, false);
  } catch (const spdlog::spdlog_ex& error) {
    throw outputFailed(path, std::string("cannot open the log file: ") + error.what());
  }
  auto logger = spdlog::default_logger();
  sink_->set_level(spdlogLevel(level));
  sink_->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%l] %v");
  previousLevel_ = logger->level();
  logger->sinks().push_back(sink_);
  logger->set_level(std::min(previousLevel_, sink_->level()));
  logger->flush_on(spdlog::level::trace);
}

ScopedLogFile::~ScopedLogFile() {
  auto logger = spdlog::default_logger();
  auto& sinks = logger->sinks();
  sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
  logger->set_level(previousLevel_);
}

}  // namespace skipseg
