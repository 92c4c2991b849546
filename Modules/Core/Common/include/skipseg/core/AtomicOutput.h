#pragma once
// Atomic output: write everything to a temporary file in the target's folder, then rename it onto
// the target. A run that fails or is killed never leaves a file that looks finished. The temporary
// name keeps the target's extension (".nii.gz", ".nrrd"), because writers pick the format from it.
#include <string>

namespace skipseg {

class AtomicOutput {
 public:
  /// Creates the target's parent folder if needed; throws OutputFailed when it cannot.
  explicit AtomicOutput(std::string targetPath);
  /// Removes the temporary file unless commit() succeeded.
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  /// Where to write: ".skipseg-tmp-<random>-<target file name>" in the target's folder.
  const std::string& temporaryPath() const { return temporaryPath_; }
  const std::string& targetPath() const { return targetPath_; }
  /// Renames the temporary file onto the target (atomic within one filesystem).
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

}  // namespace skipseg
