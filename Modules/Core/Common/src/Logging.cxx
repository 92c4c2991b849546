#include "skipseg/core/Logging.h"

#include "skipseg/core/Error.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <vector>

namespace skipseg {

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
  auto logger = std::make_shared<spdlog::logger>("skipseg", sinks.begin(), sinks.end());
  switch (level) {
    case LogLevel::Debug: logger->set_level(spdlog::level::debug); break;
    case LogLevel::Info: logger->set_level(spdlog::level::info); break;
    case LogLevel::Warning: logger->set_level(spdlog::level::warn); break;
    case LogLevel::Error: logger->set_level(spdlog::level::err); break;
    case LogLevel::Off: logger->set_level(spdlog::level::off); break;
  }
  logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%^%l%$] %v");
  spdlog::set_default_logger(logger);
}

}  // namespace skipseg
