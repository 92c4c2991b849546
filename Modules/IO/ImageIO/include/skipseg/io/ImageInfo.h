#pragma once
// What a reader learned about an image beyond its voxels: how it was stored, and for DICOM the
// series in its folder, the modality and the tags a PET SUV computation needs.
#include <array>
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
  // What a PACS export's series rules and output names need (skipseg-batch), from the first file:
  std::string patientId;           ///< PatientID (0010,0020); the patient's name is not read
  std::string studyInstanceUid;    ///< (0020,000D)
  std::string studyDate;           ///< StudyDate (0008,0020)
  std::string seriesNumber;        ///< SeriesNumber (0020,0011)
  std::string imageType;           ///< ImageType (0008,0008), e.g. "ORIGINAL\PRIMARY\LOCALIZER"
  bool hasPixels = true;           ///< false when the files have no Rows/Columns (reports, structure sets)
  std::vector<std::string> files;  ///< the series' files, sorted
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

/// One DICOM instance (file) of the series that was read, and where it lies in the volume.
struct DicomInstanceReference {
  std::string file;                  ///< path as found under the folder that was read
  std::string sopClassUid;           ///< SOPClassUID (0008,0016)
  std::string sopInstanceUid;        ///< SOPInstanceUID (0008,0018)
  std::array<double, 3> position{};  ///< ImagePositionPatient (0020,0032), LPS mm
  /// The volume slice (k index) that holds exactly this instance's pixels; empty when the volume's slices
  /// were interpolated between instances (uneven spacing) or the instance is a multi-frame file.
  std::optional<std::size_t> sliceIndex;
};

/// Who the voxels came from, so that derived DICOM objects (SEG, RTSTRUCT) can reference their source:
/// the study and frame of reference they belong to and every instance, in volume slice order.
struct DicomSourceIdentity {
  std::string folder;                             ///< what was read (a folder or one file)
  std::string studyInstanceUid;                   ///< (0020,000D)
  std::string seriesInstanceUid;                  ///< (0020,000E)
  std::string frameOfReferenceUid;                ///< (0020,0052); empty when the files do not carry one
  std::string modality;                           ///< (0008,0060)
  std::vector<DicomInstanceReference> instances;  ///< sorted along the slice normal (increasing k)
};

struct ImageInfo {
  std::string format;          ///< "NIfTI", "NRRD", "MetaImage" or "DICOM"
  std::string pixelType;       ///< as stored: "uint8", "int16", "uint16", "int32", "float", "double", ...
  std::size_t components = 1;  ///< values per voxel as stored
  std::string modality;        ///< DICOM only
  std::string seriesUid;       ///< DICOM only: the series that was read
  std::vector<DicomSeriesSummary> dicomSeries;     ///< DICOM only: every series in the folder
  std::optional<PetSuvInputs> petSuv;              ///< DICOM PET only
  std::optional<DicomSourceIdentity> dicomSource;  ///< DICOM only: the instances the volume was made of
};

}  // namespace skipseg::io
