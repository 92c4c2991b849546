#pragma once
// What a reader learned about an image beyond its voxels: how it was stored, and for DICOM the
// series in its folder, the modality and the tags a PET SUV computation needs.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace skipseg::io {

/// One series found in a DICOM folder.
struct DicomSeriesSummary {
  std::string uid;             ///< SeriesInstanceUID (0020,000E)
  std::string modality;        ///< (0008,0060), e.g. "CT"
  std::string description;     ///< SeriesDescription (0008,103E), may be empty
  std::size_t sliceCount = 0;  ///< files in the folder that belong to the series
};

/// The DICOM tags from which SUV is computed, as found in the first slice; absent tags stay empty.
/// Times are DICOM TM text ("HHMMSS.FFFFFF"); date-times DICOM DT text.
struct PetSuvInputs {
  std::optional<double> patientWeightKg;         ///< PatientWeight (0010,1030)
  std::optional<double> totalInjectedDoseBq;     ///< RadionuclideTotalDose (0018,1074)
  std::optional<double> halfLifeSeconds;         ///< RadionuclideHalfLife (0018,1075)
  std::optional<std::string> injectionTime;      ///< RadiopharmaceuticalStartTime (0018,1072)
  std::optional<std::string> injectionDateTime;  ///< RadiopharmaceuticalStartDateTime (0018,1078)
  std::optional<std::string> seriesDate;         ///< SeriesDate (0008,0021)
  std::optional<std::string> seriesTime;         ///< SeriesTime (0008,0031)
  std::optional<std::string> acquisitionTime;    ///< AcquisitionTime (0008,0032)
  std::optional<std::string> units;              ///< Units (0054,1001), e.g. "BQML"
  std::optional<std::string> decayCorrection;    ///< DecayCorrection (0054,1102), e.g. "START"
};

struct ImageInfo {
  std::string format;          ///< "NIfTI", "NRRD", "MetaImage" or "DICOM"
  std::string pixelType;       ///< as stored: "uint8", "int16", "uint16", "int32", "float", "double", ...
  std::size_t components = 1;  ///< values per voxel as stored
  std::string modality;        ///< DICOM only
  std::string seriesUid;       ///< DICOM only: the series that was read
  std::vector<DicomSeriesSummary> dicomSeries;  ///< DICOM only: every series in the folder
  std::optional<PetSuvInputs> petSuv;           ///< DICOM PET only
};

}  // namespace skipseg::io
