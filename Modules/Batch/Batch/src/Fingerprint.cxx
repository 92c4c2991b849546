#include "skipseg/batch/Fingerprint.h"

#include "skipseg/batch/CaseDiscovery.h"
#include "skipseg/batch/Sha256.h"
#include "skipseg/core/Error.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <vector>

namespace fs = std::filesystem;

namespace skipseg::batch {

InputFingerprintMode parseInputFingerprintMode(const std::string& text) {
  if (text == "metadata") {
    return InputFingerprintMode::Metadata;
  }
  if (text == "content") {
    return InputFingerprintMode::Content;
  }
  throw usageError("--input-fingerprint must be metadata or content, not \"" + text + "\"");
}

std::string inputFingerprint(const CaseSpec& spec, InputFingerprintMode mode) {
  Sha256 hash;
  for (const auto& file : caseFiles(spec)) {
    struct stat info {};
    if (::stat(file.c_str(), &info) != 0) {
      throw badInput(file, "cannot read");
    }
    // A NUL separates fields so that no two different lists hash alike.
    hash.update(fs::path(file).filename().string());
    hash.update(std::string(1, '\0'));
    hash.update(std::to_string(static_cast<long long>(info.st_size)));
    hash.update(std::string(1, '\0'));
    if (mode == InputFingerprintMode::Metadata) {
      const long long nanoseconds = static_cast<long long>(info.st_mtim.tv_sec) * 1000000000LL + info.st_mtim.tv_nsec;
      hash.update(std::to_string(nanoseconds));
    } else {
      Sha256 contents;
      hashFileContents(contents, file);
      hash.update(contents.hexDigest());
    }
    hash.update(std::string(1, '\n'));
  }
  return std::string(mode == InputFingerprintMode::Metadata ? "metadata:" : "content:") + hash.hexDigest();
}

std::string modelFingerprint(const std::string& modelPath) {
  if (modelPath.empty()) {
    return "none";
  }
  std::error_code error;
  Sha256 hash;
  if (fs::is_directory(modelPath, error)) {
    std::vector<fs::path> files;
    for (fs::recursive_directory_iterator it(modelPath, error), end; !error && it != end; it.increment(error)) {
      if (it->is_regular_file()) {
        files.push_back(it->path());
      }
    }
    if (error) {
      throw badInput(modelPath, "cannot list the model folder: " + error.message());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      Sha256 contents;
      hashFileContents(contents, file.string());
      hash.update(file.lexically_relative(modelPath).generic_string());
      hash.update(std::string(1, '\0'));
      hash.update(contents.hexDigest());
      hash.update(std::string(1, '\n'));
    }
  } else if (fs::is_regular_file(modelPath, error)) {
    hashFileContents(hash, modelPath);
  } else {
    throw badInput(modelPath, "no such model file or folder");
  }
  return "sha256:" + hash.hexDigest();
}

std::string optionsFingerprint(const Json& options) {
  return "sha256:" + sha256Hex(options.dump());
}

}  // namespace skipseg::batch
