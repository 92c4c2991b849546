#pragma once
// The shared example_ct_dicom series had its UIDs blanked by an anonymiser (SOP Class/Instance, Study and
// Series Instance UIDs empty in the data sets), so no DICOM object can reference it as it is. Tests of the
// DICOM outputs (SEG, RTSTRUCT) use a copy with them put back (scripts/restore_dicom_uids.py, pydicom):
// SOP UIDs from the file meta information, fixed Study and Series Instance UIDs; pixels untouched.
#include <string>

namespace skipseg::testing {

/// Copies the series in `source` into `target` with its UIDs restored; returns `target`, or "" on failure.
std::string copyDicomSeriesWithUids(const std::string& source, const std::string& target);

}  // namespace skipseg::testing
