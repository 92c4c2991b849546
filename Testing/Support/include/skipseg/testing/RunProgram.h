#pragma once
#include <string>
#include <vector>

namespace skipseg::testing {

struct ProgramResult {
  int exitCode = -1;
  std::string standardOutput;
  std::string standardError;
};

/// Runs a built program (a name in binaryDir(), or an absolute path) with arguments, no shell,
/// and returns its exit code and captured output. For tests of the real command lines.
ProgramResult runProgram(const std::string& program, const std::vector<std::string>& arguments);

}  // namespace skipseg::testing
