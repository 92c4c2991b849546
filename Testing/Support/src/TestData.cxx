#include "skipseg/testing/TestData.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace skipseg::testing {
namespace {

std::string environmentOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return (value && *value) ? std::string(value) : fallback;
}

std::string sharedRoot() {
#ifdef SKIPSEG_DEFAULT_SHARED_DIR
  return environmentOr("SKIPSEG_SHARED_DIR", SKIPSEG_DEFAULT_SHARED_DIR);
#else
  return environmentOr("SKIPSEG_SHARED_DIR", "../shared");
#endif
}

std::string existingOrEmpty(const fs::path& path) {
  std::error_code error;
  return fs::exists(path, error) ? fs::absolute(path).lexically_normal().string() : std::string();
}

}  // namespace

std::string sharedDataPath(const std::string& relative) {
  const std::string dataRoot = environmentOr("SKIPSEG_SHARED_DATA", sharedRoot() + "/data");
  return existingOrEmpty(fs::path(dataRoot) / relative);
}

std::string fixturePath(const std::string& relative) {
  return existingOrEmpty(fs::path(sharedRoot()) / "fixtures" / relative);
}

std::string sourcePath(const std::string& relative) {
#ifdef SKIPSEG_DEFAULT_SOURCE_DIR
  return (fs::path(environmentOr("SKIPSEG_SOURCE_DIR", SKIPSEG_DEFAULT_SOURCE_DIR)) / relative).string();
#else
  return (fs::path(environmentOr("SKIPSEG_SOURCE_DIR", ".")) / relative).string();
#endif
}

std::string binaryDir() {
#ifdef SKIPSEG_DEFAULT_BINARY_DIR
  return environmentOr("SKIPSEG_BINARY_DIR", SKIPSEG_DEFAULT_BINARY_DIR) + "/bin";
#else
  return environmentOr("SKIPSEG_BINARY_DIR", ".") + "/bin";
#endif
}

bool runningUnderCi() {
  const char* ci = std::getenv("CI");
  return ci && *ci && std::string(ci) != "0" && std::string(ci) != "false";
}

std::vector<float> readRawFloat32(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    throw std::runtime_error(path + ": cannot open");
  }
  const auto bytes = static_cast<std::size_t>(in.tellg());
  if (bytes % sizeof(float) != 0) {
    throw std::runtime_error(path + ": size is not a multiple of 4 bytes");
  }
  std::vector<float> values(bytes / sizeof(float));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(bytes));
  return values;  // little-endian hosts only, as every supported platform is
}

}  // namespace skipseg::testing
