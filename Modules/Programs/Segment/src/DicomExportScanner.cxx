#include "skipseg/programs/DicomExportScanner.h"

#include "skipseg/io/DicomSeries.h"

namespace skipseg::programs {

batch::DicomExportScanner dicomExportScanner() {
  return [](const std::string& folder) {
    std::vector<batch::DicomSeriesRecord> records;
    for (const auto& series : io::listDicomSeries(folder)) {
      batch::DicomSeriesRecord record;
      record.patientId = series.patientId;
      record.studyInstanceUid = series.studyInstanceUid;
      record.studyDate = series.studyDate;
      record.seriesInstanceUid = series.uid;
      record.seriesNumber = series.seriesNumber;
      record.modality = series.modality;
      record.description = series.description;
      record.imageType = series.imageType;
      record.hasPixels = series.hasPixels;
      record.files = series.files;
      records.push_back(std::move(record));
    }
    return records;
  };
}

}  // namespace skipseg::programs
