#include "skipseg/core/AtomicOutput.h"

#include "skipseg/core/Error.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

namespace fs = std::filesystem;

namespace skipseg {
namespace {
constexpr const char* kTemporaryPrefix = ".skipseg-tmp-";
}

AtomicOutput::AtomicOutput(std::string targetPath) : targetPath_(std::move(targetPath)) {
  const fs::path target(targetPath_);
  if (target.filename().empty()) {
    throw outputFailed(targetPath_, "not a file name");
  }
  fs::path folder = target.parent_path();
  if (folder.empty()) {
    folder = ".";
  }
  std::error_code error;
  fs::create_directories(folder, error);
  if (error || !fs::is_directory(folder)) {
    throw outputFailed(targetPath_, "cannot create the output folder " + folder.string());
  }
  std::random_device entropy;
  const auto tag = std::to_string(entropy() % 1000000000u);
  temporaryPath_ = (folder / (kTemporaryPrefix + tag + "-" + target.filename().string())).string();
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) {
    std::error_code error;
    fs::remove(temporaryPath_, error);
  }
}

void AtomicOutput::commit() {
  std::error_code error;
  if (!fs::exists(temporaryPath_, error)) {
    throw outputFailed(targetPath_, "nothing was written");
  }
  fs::rename(temporaryPath_, targetPath_, error);
  if (error) {
    throw outputFailed(targetPath_, "cannot move the finished file into place: " + error.message());
  }
  committed_ = true;
}

void writeFileAtomically(const std::string& path, const std::string& contents) {
  AtomicOutput output(path);
  {
    std::ofstream out(output.temporaryPath(), std::ios::binary);
    out << contents;
    out.flush();
    if (!out) {
      throw outputFailed(path, "write failed");
    }
  }
  output.commit();
}

bool isTemporaryOutputName(const std::string& fileName) {
  return fileName.rfind(kTemporaryPrefix, 0) == 0;
}

}  // namespace skipseg
