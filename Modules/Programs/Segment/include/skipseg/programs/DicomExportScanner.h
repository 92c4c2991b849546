#pragma once
// skipseg-batch's view of a PACS export: every DICOM series below a folder, read from the files' headers
// with GDCM (SkipSegImageIO's listDicomSeries), for the ITK-free batch module's series rules.
#include "skipseg/batch/DicomExport.h"

namespace skipseg::programs {

/// Lists the series under a folder (DICOMDIR not needed: every file is scanned, headers only).
batch::DicomExportScanner dicomExportScanner();

}  // namespace skipseg::programs
