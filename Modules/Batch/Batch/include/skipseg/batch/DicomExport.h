#pragma once
// PACS exports as batch input: every DICOM series below a folder (any nesting of patients, studies and
// series, a DICOMDIR or none), the rules that pick the series to segment, and case ids that name each
// output by patient, study and series. The batch module reads no DICOM itself: whoever builds the program
// passes a DicomExportScanner (skipseg-batch's reads the headers with GDCM through SkipSegImageIO).
#include "skipseg/batch/CaseSpec.h"
#include "skipseg/core/JsonFile.h"

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace skipseg::batch {

/// One series of an export, as its files' headers describe it (the first file's values).
struct DicomSeriesRecord {
  std::string patientId;           ///< PatientID (0010,0020); the patient's name is never read
  std::string studyInstanceUid;    ///< (0020,000D)
  std::string studyDate;           ///< StudyDate (0008,0020), YYYYMMDD
  std::string seriesInstanceUid;   ///< (0020,000E)
  std::string seriesNumber;        ///< SeriesNumber (0020,0011)
  std::string modality;            ///< (0008,0060)
  std::string description;         ///< SeriesDescription (0008,103E)
  std::string imageType;           ///< ImageType (0008,0008), e.g. "ORIGINAL\PRIMARY\LOCALIZER"
  bool hasPixels = true;           ///< false for objects without Rows/Columns (reports, structure sets)
  std::vector<std::string> files;  ///< every file of the series, sorted
};

/// Lists the series below a folder; throws BadInput naming the folder when it holds no DICOM file.
using DicomExportScanner = std::function<std::vector<DicomSeriesRecord>(const std::string& folder)>;

/// Which series become cases. A series must pass every rule; the first one it fails is its reason.
struct SeriesRules {
  std::vector<std::string> modalities;  ///< --modality: accepted modalities (empty: any)
  std::size_t minimumFiles = 10;        ///< --min-slices: fewer files is a scout or a partial series
  std::string descriptionPattern;       ///< --series-description: ECMAScript regex, case-insensitive search
  /// The model's own rule (e.g. "CT" for a model that normalises Hounsfield units); empty: none.
  std::vector<std::string> modelModalities;
};

/// The cases chosen from an export and, for the summary, every series with why it was taken or left.
struct SeriesSelection {
  std::vector<CaseSpec> cases;  ///< sorted by id
  Json series = Json::array();  ///< one row per series: ids, modality, description, files, selected, reason
  Json rules = Json::object();
};

/// Applies `rules` to the series; a case's input is the deepest folder holding all its files, and
/// its id is seriesCaseId(). Throws BadInput naming `folder` when two series would share an id.
SeriesSelection selectSeries(const std::string& folder, const std::vector<DicomSeriesRecord>& series,
                             const SeriesRules& rules);

/// "<patient>_<study date>-<study>_s<series number>-<series>": the patient ID and series number made
/// filesystem-safe (letters, digits, '.', '-'; anything else '-'; at most 32 characters), the study and
/// series each the first 8 hex digits of the SHA-256 of their UID, so ids are short, deterministic and unique.
std::string seriesCaseId(const DicomSeriesRecord& series);

/// `text` with every character other than A-Z a-z 0-9 '.' '-' replaced by '-', no leading '.', at most
/// `maximum` characters; "unknown" when no letter or digit is left.
std::string safeNamePart(const std::string& text, std::size_t maximum = 32);

/// True when the folder's top holds a file named DICOMDIR (any case): a PACS export.
bool holdsDicomDir(const std::string& folder);

}  // namespace skipseg::batch
