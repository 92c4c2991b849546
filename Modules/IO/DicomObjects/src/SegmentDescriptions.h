#pragma once
// Internal: what each label present in a label map becomes in a SEG or RTSTRUCT: its value, name, colour
// and, for the structures SkipSeg knows, a coded anatomy (SNOMED CT, as CID 7150/7151 ask for SEG).
#include "skipseg/core/ModelDescription.h"
#include "skipseg/io/ImageTypes.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace skipseg::dicomobjects {

struct Code {
  std::string value;
  std::string scheme;  ///< "SCT" (SNOMED CT)
  std::string meaning;
};

struct SegmentDescription {
  LabelValue label = 0;
  std::string name;
  std::array<std::uint8_t, 3> rgb{{128, 128, 128}};
  Code category;  ///< "Anatomical Structure" for known organs, "Tissue" otherwise
  Code type;      ///< the organ, or "Tissue"
};

/// One description per label value present in `labels` (background 0 excluded), ascending.
std::vector<SegmentDescription> describeSegments(const LabelImage& labels, const std::vector<LabelInfo>& table);

/// For each slice k, the labels (other than 0) it holds: one pass over the voxels, so that the writers visit
/// only the slices of each label (a 117-label map of 500 slices would otherwise be scanned 117 times).
std::vector<std::vector<LabelValue>> labelsPerSlice(const LabelImage& labels);

/// DICOM's Recommended Display CIELab Value (L*, a*, b* scaled to 0..65535, D65 white) of an sRGB colour.
std::array<std::uint16_t, 3> dicomCieLab(const std::array<std::uint8_t, 3>& rgb);

}  // namespace skipseg::dicomobjects
