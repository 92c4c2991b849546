#include "skipseg/core/OutputCheck.h"

#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/Error.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace fs = std::filesystem;

namespace skipseg {
namespace {

// The deepest folder of `folder`'s ancestry (itself included) that exists; throws when something on
// the way is not a folder or cannot be looked at.
fs::path nearestExistingFolder(const std::string& path, fs::path folder) {
  if (folder.empty()) {
    folder = ".";
  }
  while (true) {
    struct stat info {};
    if (::stat(folder.c_str(), &info) == 0) {
      if (!S_ISDIR(info.st_mode)) {
        throw outputFailed(path, "cannot write under " + folder.string() + ": " + std::strerror(ENOTDIR));
      }
      return folder;
    }
    // ENOTDIR: a file stands somewhere above; going up names it.
    if (errno != ENOENT && errno != ENOTDIR) {
      throw outputFailed(path, "cannot write under " + folder.string() + ": " + std::strerror(errno));
    }
    fs::path parent = folder.parent_path();
    if (parent.empty()) {
      parent = ".";
    }
    if (parent == folder) {
      throw outputFailed(path, "cannot write under " + folder.string() + ": " + std::strerror(ENOENT));
    }
    folder = parent;
  }
}

// Creating a file is the only test that tells the truth (permissions, read-only mounts, ACLs, root).
void tryCreatingIn(const std::string& path, const fs::path& folder) {
  const std::string probe = temporaryPathFor((folder / "write-test").string());
  const int descriptor = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (descriptor < 0) {
    throw outputFailed(path, "cannot write in " + folder.string() + ": " + std::strerror(errno));
  }
  ::close(descriptor);
  ::unlink(probe.c_str());
}

}  // namespace

void checkOutputFile(const std::string& path) {
  const fs::path target(path);
  if (target.filename().empty()) {
    throw outputFailed(path, "not a file name");
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
    throw outputFailed(path, "is a folder, not a file");
  }
  tryCreatingIn(path, nearestExistingFolder(path, target.parent_path()));
}

std::string writeFailureReason(const std::string& path) {
  try {
    checkOutputFile(path);
  } catch (const Error& error) {
    const std::string message = error.what();
    return message.substr(std::min(message.size(), path.size() + 2));  // without "PATH: "
  }
  // The folder takes files; does it take bytes? A failed write has filled a full disk to its last block
  // (its temporary still exists), so a small write tells (ENOSPC, EDQUOT, EIO).
  const fs::path folder = fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
  const std::string probe = temporaryPathFor((folder / "write-test").string());
  const int descriptor = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (descriptor < 0) {
    return std::strerror(errno);
  }
  const std::string block(64 * 1024, '\0');
  std::string reason;
  for (int count = 0; count < 4 && reason.empty(); ++count) {
    if (::write(descriptor, block.data(), block.size()) < 0) {
      reason = std::strerror(errno);
    }
  }
  if (reason.empty() && ::fsync(descriptor) != 0) {
    reason = std::strerror(errno);
  }
  ::close(descriptor);
  ::unlink(probe.c_str());
  return reason;
}

void checkOutputFolder(const std::string& path) {
  tryCreatingIn(path, nearestExistingFolder(path, fs::path(path)));
}

}  // namespace skipseg
