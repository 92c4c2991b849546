#include "skipseg/core/AtomicOutput.h"

#include "skipseg/core/Error.h"
#include "skipseg/core/Interrupt.h"
#include "skipseg/core/OutputTransaction.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

namespace fs = std::filesystem;

namespace skipseg {
namespace {

constexpr const char* kTemporaryPrefix = ".skipseg-tmp-";

fs::path folderOf(const fs::path& target) {
  return target.parent_path().empty() ? fs::path(".") : target.parent_path();
}

// The process that made a temporary ".skipseg-tmp-<pid>.<random>-..." is gone (names without a process
// id, from older versions, count as alive: they are only ignored).
bool ownerIsGone(const std::string& name) {
  const std::string rest = name.substr(std::strlen(kTemporaryPrefix));
  const auto dot = rest.find('.');
  const auto dash = rest.find('-');
  if (dot == std::string::npos || dash == std::string::npos || dot > dash || dot == 0) {
    return false;
  }
  long pid = 0;
  for (std::size_t index = 0; index < dot; ++index) {
    if (rest[index] < '0' || rest[index] > '9') {
      return false;
    }
    pid = pid * 10 + (rest[index] - '0');
  }
  if (pid <= 0 || pid == static_cast<long>(::getpid())) {
    return false;
  }
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

}  // namespace

std::string temporaryPathFor(const std::string& targetPath, const std::string& suffix) {
  static thread_local std::mt19937 generator{std::random_device{}()};
  const fs::path target(targetPath);
  const std::string tag = std::to_string(::getpid()) + "." + std::to_string(generator() % 1000000000u);
  return (folderOf(target) / (kTemporaryPrefix + tag + "-" + target.filename().string() + suffix)).string();
}

void removeStaleTemporaries(const std::string& targetPath) {
  const fs::path target(targetPath);
  const std::string name = target.filename().string();
  std::error_code error;
  for (fs::directory_iterator it(folderOf(target), error), end; !error && it != end; it.increment(error)) {
    const std::string entry = it->path().filename().string();
    if (!isTemporaryOutputName(entry)) {
      continue;
    }
    const auto dash = entry.find('-', std::strlen(kTemporaryPrefix));
    if (dash == std::string::npos) {
      continue;
    }
    const std::string rest = entry.substr(dash + 1);
    if ((rest == name || rest == name + ".d" || rest == name + ".old") && ownerIsGone(entry)) {
      std::error_code removeError;
      fs::remove_all(it->path(), removeError);
    }
  }
}

AtomicOutput::AtomicOutput(std::string targetPath) : targetPath_(std::move(targetPath)) {
  const fs::path target(targetPath_);
  if (target.filename().empty()) {
    throw outputFailed(targetPath_, "not a file name");
  }
  const fs::path folder = folderOf(target);
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) {
    throw outputFailed(targetPath_, "cannot create the output folder " + folder.string() + ": " + error.message());
  }
  if (!fs::is_directory(folder)) {
    throw outputFailed(targetPath_, folder.string() + " is not a folder");
  }
  removeStaleTemporaries(targetPath_);
  temporaryPath_ = temporaryPathFor(targetPath_);
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) {
    std::error_code error;
    fs::remove(temporaryPath_, error);
  }
}

void AtomicOutput::commit() {
  throwIfInterrupted();
  std::error_code error;
  if (!fs::exists(temporaryPath_, error)) {
    throw outputFailed(targetPath_, "nothing was written");
  }
  commitFile(temporaryPath_, targetPath_);
  committed_ = true;
}

void commitFile(const std::string& finished, const std::string& target) {
  OutputTransaction* transaction = OutputTransaction::current();
  std::string previous;
  std::error_code error;
  if (transaction != nullptr && fs::is_regular_file(target, error)) {
    // Keep the file being replaced until the transaction ends. A hard link keeps the target in place
    // meanwhile; where links are not possible, the target moves aside for a moment.
    previous = temporaryPathFor(target, ".old");
    if (::link(target.c_str(), previous.c_str()) != 0) {
      fs::rename(target, previous, error);
      if (error) {
        throw outputFailed(target, "cannot set the previous file aside: " + error.message());
      }
    }
  }
  fs::rename(finished, target, error);
  if (error) {
    if (!previous.empty()) {
      std::error_code restoreError;
      fs::rename(previous, target, restoreError);
    }
    throw outputFailed(target, "cannot move the finished file into place: " + error.message());
  }
  if (transaction != nullptr) {
    transaction->record(target, previous);
  }
}

void writeFileAtomically(const std::string& path, const std::string& contents) {
  AtomicOutput output(path);
  {
    std::ofstream out(output.temporaryPath(), std::ios::binary);
    if (!out) {
      throw outputFailed(path, std::string("cannot create the file: ") + std::strerror(errno));
    }
    out << contents;
    out.flush();
    if (!out) {
      throw outputFailed(path, std::string("write failed: ") + std::strerror(errno));
    }
  }
  output.commit();
}

bool isTemporaryOutputName(const std::string& fileName) {
  return fileName.rfind(kTemporaryPrefix, 0) == 0;
}

}  // namespace skipseg
