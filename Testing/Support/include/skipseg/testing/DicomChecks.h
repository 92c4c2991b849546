#pragma once
// What the tests of SkipSeg's DICOM outputs (SEG, RTSTRUCT) share: dicom3tools' verdict on a file, and a
// referenceable copy of the shared CT series.
//
// The shared example_ct_dicom series had its UIDs blanked by an anonymiser (SOP Class/Instance, Study and
// Series Instance UIDs empty in the data sets), so no DICOM object can reference it as it is. The tests use a
// copy with them put back (scripts/restore_dicom_uids.py, pydicom): SOP UIDs from the file meta information,
// fixed Study and Series Instance UIDs; pixels untouched.
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace skipseg::testing {

/// Copies the series in `source` into `target` with its UIDs restored; returns `target`, or "" on failure.
std::string copyDicomSeriesWithUids(const std::string& source, const std::string& target);

struct DciodvfyReport {
  std::vector<std::string> errors;    ///< lines starting with "Error" (one added when dciodvfy did not run)
  std::vector<std::string> warnings;  ///< lines starting with "Warning"
};
/// Runs dciodvfy (dicom3tools), which checks a file against the IOD definitions of the DICOM standard.
DciodvfyReport runDciodvfy(const std::string& file);

/// The lines, each ending in a newline (for test messages).
std::string joinedLines(const std::vector<std::string>& lines);

/// dciodvfy's "Error" lines about `file`, joined; "" when it finds none.
std::string dciodvfyErrors(const std::string& file);

}  // namespace skipseg::testing

// In the tests of a module with SkipSegDicomObjects as an optional dependency: a build without DCMTK
// (SKIPSEG_WITH_DCMTK=OFF, the GPU machine's) refuses the DICOM outputs instead, so the test is skipped.
#define SKIPSEG_REQUIRE_DCMTK()            \
  if (!SKIPSEG_HAVE_SKIPSEGDICOMOBJECTS) { \
    GTEST_SKIP() << "built without DCMTK"; \
  }
