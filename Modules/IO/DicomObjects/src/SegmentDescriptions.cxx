#include "SegmentDescriptions.h"

#include <itkImageRegionConstIterator.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

namespace skipseg::dicomobjects {
namespace {

// Structures a SkipSeg or TotalSegmentator model names, with their SNOMED CT codes (CID 7151 members).
const std::map<std::string, Code>& knownStructures() {
  static const std::map<std::string, Code> table{
      {"liver", {"10200004", "SCT", "Liver"}},
      {"spleen", {"78961009", "SCT", "Spleen"}},
      {"kidney", {"64033007", "SCT", "Kidney"}},
      {"kidney_right", {"9846003", "SCT", "Right kidney"}},
      {"kidney_left", {"18639004", "SCT", "Left kidney"}},
      {"pancreas", {"15776009", "SCT", "Pancreas"}},
      {"aorta", {"15825003", "SCT", "Aorta"}},
      {"inferior_vena_cava", {"64131007", "SCT", "Inferior vena cava"}},
      {"urinary_bladder", {"89837001", "SCT", "Urinary bladder"}},
      {"gallbladder", {"28231008", "SCT", "Gallbladder"}},
      {"stomach", {"69695003", "SCT", "Stomach"}},
      {"esophagus", {"32849002", "SCT", "Esophagus"}},
      {"duodenum", {"38848004", "SCT", "Duodenum"}},
      {"small_bowel", {"30315005", "SCT", "Small intestine"}},
      {"colon", {"71854001", "SCT", "Colon"}},
      {"heart", {"80891009", "SCT", "Heart"}},
      {"lung", {"39607008", "SCT", "Lung"}},
      {"brain", {"12738006", "SCT", "Brain"}},
      {"prostate", {"41216001", "SCT", "Prostate"}},
  };
  return table;
}

const Code anatomicalStructure{"123037004", "SCT", "Anatomical Structure"};
const Code tissue{"85756007", "SCT", "Tissue"};

std::string normalisedName(const std::string& name) {
  std::string key;
  for (const char c : name) {
    key += c == ' ' || c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return key;
}

std::uint8_t byteOf(double unit) {
  return static_cast<std::uint8_t>(std::lround(std::clamp(unit, 0.0, 1.0) * 255.0));
}

double linearOf(std::uint8_t value) {
  const double c = value / 255.0;
  return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

}  // namespace

std::vector<SegmentDescription> describeSegments(const LabelImage& labels, const std::vector<LabelInfo>& table) {
  std::set<LabelValue> present;
  itk::ImageRegionConstIterator<LabelImage> it(&labels, labels.GetBufferedRegion());
  for (; !it.IsAtEnd(); ++it) {
    if (it.Get() != 0) {
      present.insert(it.Get());
    }
  }
  std::vector<SegmentDescription> segments;
  for (const LabelValue value : present) {
    SegmentDescription segment;
    segment.label = value;
    segment.name = "label_" + std::to_string(value);
    auto color = defaultLabelColor(value);
    for (const auto& entry : table) {
      if (entry.id == value) {
        segment.name = entry.name;
        color = entry.color;
      }
    }
    segment.rgb = {{byteOf(color[0]), byteOf(color[1]), byteOf(color[2])}};
    const auto known = knownStructures().find(normalisedName(segment.name));
    segment.category = known != knownStructures().end() ? anatomicalStructure : tissue;
    segment.type = known != knownStructures().end() ? known->second : tissue;
    segments.push_back(segment);
  }
  return segments;
}

std::vector<std::vector<LabelValue>> labelsPerSlice(const LabelImage& labels) {
  const auto size = labels.GetLargestPossibleRegion().GetSize();
  const std::size_t sliceVoxels = size[0] * size[1];
  std::vector<std::vector<LabelValue>> perSlice(size[2]);
  for (std::size_t k = 0; k < size[2]; ++k) {
    const LabelValue* slice = labels.GetBufferPointer() + k * sliceVoxels;
    std::vector<bool> seen(65536, false);
    for (std::size_t index = 0; index < sliceVoxels; ++index) {
      seen[slice[index]] = true;
    }
    for (std::size_t value = 1; value < seen.size(); ++value) {
      if (seen[value]) {
        perSlice[k].push_back(static_cast<LabelValue>(value));
      }
    }
  }
  return perSlice;
}

std::array<std::uint16_t, 3> dicomCieLab(const std::array<std::uint8_t, 3>& rgb) {
  const double r = linearOf(rgb[0]), g = linearOf(rgb[1]), b = linearOf(rgb[2]);
  // sRGB -> XYZ (D65), normalised by the D65 white point.
  const double x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const double z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  auto f = [](double t) { return t > 216.0 / 24389.0 ? std::cbrt(t) : (24389.0 / 27.0 * t + 16.0) / 116.0; };
  const double lightness = 116.0 * f(y) - 16.0;
  const double a = 500.0 * (f(x) - f(y));
  const double bStar = 200.0 * (f(y) - f(z));
  auto scaled = [](double value, double low, double high) {
    return static_cast<std::uint16_t>(std::lround(std::clamp((value - low) / (high - low), 0.0, 1.0) * 65535.0));
  };
  return {{scaled(lightness, 0, 100), scaled(a, -128, 127), scaled(bStar, -128, 127)}};
}

}  // namespace skipseg::dicomobjects
