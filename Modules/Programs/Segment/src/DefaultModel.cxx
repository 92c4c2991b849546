#include "skipseg/programs/SegmentProgram.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;

namespace skipseg::programs {
namespace {

// The demonstration model trained by Pipelines/train-demo-model.sh (see Data/Models/README.md).
constexpr const char* kDemoModelFile = "brain-demo.ssm";

fs::path executableFolder() {
  std::error_code error;
  const fs::path self = fs::read_symlink("/proc/self/exe", error);
  return error ? fs::path() : self.parent_path();
}

}  // namespace

std::string defaultModelPath() {
  if (const char* configured = std::getenv("SKIPSEG_DEFAULT_MODEL"); configured && *configured) {
    return configured;
  }
  std::error_code error;
  const fs::path installed = executableFolder() / ".." / "share" / "skipseg" / "Models" / kDemoModelFile;
  if (fs::exists(installed, error)) {
    return fs::canonical(installed, error).string();
  }
  const fs::path sourceTree = fs::path(SKIPSEG_SOURCE_MODELS_DIR) / kDemoModelFile;
  if (fs::exists(sourceTree, error)) {
    return sourceTree.string();
  }
  return "";
}

}  // namespace skipseg::programs
