#pragma once
// Small file helpers shared by the batch tests.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace skipseg::batch::test {

inline void writeFile(const std::string& path, const std::string& contents) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
}

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// A file with DICOM Part 10's preamble: 128 bytes, "DICM", then `payload`.
inline void writeDicomFile(const std::string& path, const std::string& payload) {
  writeFile(path, std::string(128, '\0') + "DICM" + payload);
}

/// Moves a file's modification time forward, as a rewrite a second later would.
inline void touchLater(const std::string& path) {
  const auto time = std::filesystem::last_write_time(path);
  std::filesystem::last_write_time(path, time + std::chrono::seconds(2));
}

}  // namespace skipseg::batch::test
