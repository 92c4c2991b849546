#include "skipseg/testing/DicomChecks.h"

#include "skipseg/testing/RunProgram.h"
#include "skipseg/testing/TestData.h"

#include <sstream>

namespace skipseg::testing {

std::string copyDicomSeriesWithUids(const std::string& source, const std::string& target) {
  // Debian's python3 (python3-pydicom), not whatever python3 comes first on PATH.
  const auto result =
      runProgram("/usr/bin/python3", {sourcePath("Testing/Support/scripts/restore_dicom_uids.py"), source, target});
  return result.exitCode == 0 ? target : "";
}

DciodvfyReport runDciodvfy(const std::string& file) {
  const auto result = runProgram("/usr/bin/dciodvfy", {file});
  DciodvfyReport report;
  std::istringstream lines(result.standardOutput + result.standardError);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("Error", 0) == 0) {
      report.errors.push_back(line);
    } else if (line.rfind("Warning", 0) == 0) {
      report.warnings.push_back(line);
    }
  }
  if (result.exitCode == -1 || (result.exitCode != 0 && report.errors.empty())) {
    report.errors.push_back("Error: dciodvfy did not run (exit " + std::to_string(result.exitCode) + ")");
  }
  return report;
}

std::string joinedLines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) {
    text += line + "\n";
  }
  return text;
}

std::string dciodvfyErrors(const std::string& file) {
  return joinedLines(runDciodvfy(file).errors);
}

}  // namespace skipseg::testing
