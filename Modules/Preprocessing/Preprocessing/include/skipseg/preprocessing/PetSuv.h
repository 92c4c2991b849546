#pragma once
// PET in standardised uptake values (body-weight SUV, g/ml): SUV = activity concentration (Bq/ml) x
// patient weight (g) / injected dose decayed to the time the image is corrected to (Bq).
// The I/O module fills PetSuvInputs from the DICOM header; each field is empty when its tag is absent.
//
// Units (0054,1001) must be BQML (or GML: already SUV, factor 1). Decay correction (0054,1102):
//   START  images are decay corrected to the series start: the dose is decayed from the injection time
//          to the scan start, dose x 2^(-(scanStart - injection) / halfLife);
//   ADMIN  images are corrected to the administration time: the dose is used as injected;
//   NONE   would need each frame's acquisition time: not supported, values stay as stored.
// A scan start earlier than the injection time is taken to be on the next day (scan past midnight).
#include <optional>
#include <string>

#include "skipseg/preprocessing/ImageTypes.h"

namespace skipseg::preprocessing {

struct PetSuvInputs {
  std::optional<double> patientWeightKg;       ///< (0010,1030) PatientWeight
  std::optional<double> injectedDoseBq;        ///< (0018,1074) RadionuclideTotalDose
  std::optional<double> halfLifeSeconds;       ///< (0018,1075) RadionuclideHalfLife
  std::optional<double> injectionTimeSeconds;  ///< (0018,1072) RadiopharmaceuticalStartTime, s since midnight
  std::optional<double> scanStartTimeSeconds;  ///< (0008,0031) SeriesTime (or AcquisitionTime), s since midnight
  std::string units;                           ///< (0054,1001) Units: "BQML", "GML", ...
  std::string decayCorrection;                 ///< (0054,1102) DecayCorrection: "START", "ADMIN", "NONE"
};

/// The factor that turns stored values into SUV, or why there is none.
struct SuvFactor {
  std::optional<double> factor;
  std::string reason;  ///< what is missing or unsupported when `factor` is empty; how it was found otherwise
};

SuvFactor computeSuvFactor(const PetSuvInputs& inputs);

/// Seconds since midnight of a DICOM TM value ("HHMMSS.FFFFFF", "HHMM", "HH:MM:SS" of old headers);
/// empty when the text is not a time.
std::optional<double> parseDicomTime(const std::string& text);

/// Multiplies `image` by the SUV factor and returns true; when there is none, logs
/// "SOURCE: PET values as stored (REASON)" at warning level and returns false.
bool convertToSuv(FloatImage& image, const PetSuvInputs& inputs, const std::string& source);

/// Multiplies `image` by the SUV factor; throws a bad-input error "SOURCE: cannot compute SUV: REASON"
/// when there is none (for models trained on SUV only).
void requireSuv(FloatImage& image, const PetSuvInputs& inputs, const std::string& source);

}  // namespace skipseg::preprocessing
