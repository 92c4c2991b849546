#include "skipseg/core/Error.h"

namespace skipseg {

Error::Error(ExitCode code, const std::string& message) : std::runtime_error(oneLine(message)), code_(code) {}

Error badInput(const std::string& path, const std::string& problem) {
  return Error(ExitCode::BadInput, path + ": " + problem);
}

Error usageError(const std::string& problem) {
  return Error(ExitCode::Usage, problem);
}

Error unsupported(const std::string& path, const std::string& problem) {
  return Error(ExitCode::Unsupported, path + ": " + problem);
}

Error outputFailed(const std::string& path, const std::string& problem) {
  return Error(ExitCode::OutputFailed, path + ": " + problem);
}

Error internalError(const std::string& problem) {
  return Error(ExitCode::Internal, "internal error: " + problem);
}

std::string oneLine(const std::string& message) {
  std::string folded;
  folded.reserve(message.size());
  bool pendingSeparator = false;
  for (const char c : message) {
    if (c == '\n' || c == '\r') {
      pendingSeparator = !folded.empty();
      continue;
    }
    if (pendingSeparator) {
      folded += "; ";
      pendingSeparator = false;
    }
    folded += c;
  }
  while (!folded.empty() && (folded.back() == ' ' || folded.back() == ';')) {
    folded.pop_back();
  }
  return folded;
}

}  // namespace skipseg
