#pragma once
// Tiny synthetic DICOM slices with chosen positions and orientations, for the series checks.
// Pixels are written by ITK (GDCM), then the geometry tags are set exactly as text with GDCM.
#include <array>
#include <string>
#include <vector>

namespace skipseg::io::testing {

struct DicomSliceSpec {
  std::array<double, 3> position{{0, 0, 0}};              ///< ImagePositionPatient
  std::array<double, 6> orientation{{1, 0, 0, 0, 1, 0}};  ///< ImageOrientationPatient
  std::string seriesUid = "1.2.826.0.1.3680043.2.1125.77.1";
  std::string modality = "CT";
  short value = 0;  ///< pixel (i, j) holds value + i + 10 j
  bool withPosition = true;
};

/// Writes a 6x5 single-frame slice to `path`.
void writeDicomSlice(const std::string& path, const DicomSliceSpec& spec, int instanceNumber);

/// Adds the PET SUV tags (weight 72.5 kg, dose 3.7e8 Bq, half-life 6586.2 s, start 101500.00,
/// series time 110000, units BQML, decay correction START) to an existing file.
void addPetSuvTags(const std::string& path);

/// Rewrites an existing file in explicit VR with one tag replaced by `text` stored as an Integer String
/// (IS), whatever the tag's usual type: how a broken writer produces e.g. SamplesPerPixel "x".
void replaceTagWithText(const std::string& path, unsigned short group, unsigned short element, const std::string& text);

/// One data element to set, as text: (group,element), its value representation ("DS", "UI", ...), the value.
struct TagText {
  unsigned short group;
  unsigned short element;
  std::string vr;
  std::string value;
};

/// Copies a DICOM file (a real one: its pixel data are kept as stored, compressed or not) to `to` with the
/// given elements set; the SOP instance UID of the file meta information follows the data set's.
void copyDicomWithTags(const std::string& from, const std::string& to, const std::vector<TagText>& tags);

/// "a\b\c" with 10 significant digits, for DS values.
std::string decimalStrings(const std::vector<double>& values);

/// Writes a DICOM object without pixels (a Basic Text SR: no Rows, Columns or pixel data) with these elements
/// (study, series, patient...) set.
void writeNonImageObject(const std::string& path, const std::vector<TagText>& tags);

}  // namespace skipseg::io::testing
