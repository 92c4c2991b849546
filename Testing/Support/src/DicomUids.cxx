#include "skipseg/testing/DicomUids.h"

#include "skipseg/testing/RunProgram.h"
#include "skipseg/testing/TestData.h"

namespace skipseg::testing {

std::string copyDicomSeriesWithUids(const std::string& source, const std::string& target) {
  // Debian's python3 (python3-pydicom), not whatever python3 comes first on PATH.
  const auto result =
      runProgram("/usr/bin/python3", {sourcePath("Testing/Support/scripts/restore_dicom_uids.py"), source, target});
  return result.exitCode == 0 ? target : "";
}

}  // namespace skipseg::testing
