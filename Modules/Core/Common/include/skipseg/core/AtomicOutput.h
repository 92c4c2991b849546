#pragma once
// Atomic output: write everything to a temporary file in the target's folder, then rename it onto
// the target. A run that fails or is killed never leaves a file that looks finished. The temporary
// name keeps the target's extension (".nii.gz", ".nrrd"), because writers pick the format from it.
// Several outputs that belong together (labels, probabilities and sidecar of one case) are committed
// under one OutputTransaction (OutputTransaction.h): all of them stay, or none.
#include <string>

namespace skipseg {

class AtomicOutput {
 public:
  /// Creates the target's parent folder if needed (throws OutputFailed with the OS reason when it cannot)
  /// and removes temporaries of the same target that a killed run left there.
  explicit AtomicOutput(std::string targetPath);
  /// Removes the temporary file unless commit() succeeded.
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  /// Where to write: ".skipseg-tmp-<pid>.<random>-<target file name>" in the target's folder.
  const std::string& temporaryPath() const { return temporaryPath_; }
  const std::string& targetPath() const { return targetPath_; }
  /// A safe point (throwIfInterrupted), then renames the temporary file onto the target (atomic within
  /// one filesystem; see commitFile).
  void commit();

 private:
  std::string targetPath_;
  std::string temporaryPath_;
  bool committed_ = false;
};

/// Writes `contents` to `path` atomically.
void writeFileAtomically(const std::string& path, const std::string& contents);

/// True when a file name is one of AtomicOutput's temporaries (batch cleanup skips or removes them).
bool isTemporaryOutputName(const std::string& fileName);

/// A fresh temporary path for `targetPath` in its folder: ".skipseg-tmp-<pid>.<random>-<name><suffix>".
std::string temporaryPathFor(const std::string& targetPath, const std::string& suffix = "");

/// Removes the temporaries (files or folders) of `targetPath` left in its folder by processes that no
/// longer run: a killed run leaves them, a later run of the same output clears them.
void removeStaleTemporaries(const std::string& targetPath);

/// Renames the finished file `finished` onto `target`. Under an OutputTransaction the previous target
/// (if any) is kept aside until the transaction commits, so that a roll back can restore it.
void commitFile(const std::string& finished, const std::string& target);

}  // namespace skipseg
