#include "skipseg/render/SliceMosaic.h"

#include "skipseg/core/Error.h"
#include "skipseg/evaluation/GridMatching.h"
#include "skipseg/render/PictureText.h"
#include "skipseg/render/WorldGeometry.h"

#include <vtkImageData.h>
#include <vtkNew.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

namespace skipseg::render {
namespace {

using Vector = std::array<double, 3>;

constexpr int panelGap = 2;  // black pixels between panels

// In-plane axes (LPS) of the axial, coronal and sagittal views: u to the right, v downwards.
const std::array<std::array<Vector, 2>, 3> viewAxes{{
    {{{1, 0, 0}, {0, 1, 0}}},   // axial: left to the right, posterior down
    {{{1, 0, 0}, {0, 0, -1}}},  // coronal: left to the right, inferior down
    {{{0, 1, 0}, {0, 0, -1}}},  // sagittal: posterior to the right, inferior down
}};

double dot(const Vector& a, const Vector& b) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

Vector labelCentroid(const LabelImage& labels) {
  const auto size = labels.GetLargestPossibleRegion().GetSize();
  const auto* voxels = labels.GetBufferPointer();
  double sum[3] = {0, 0, 0};
  double count = 0;
  std::size_t index = 0;
  for (std::size_t k = 0; k < size[2]; ++k) {
    for (std::size_t j = 0; j < size[1]; ++j) {
      for (std::size_t i = 0; i < size[0]; ++i, ++index) {
        if (voxels[index] != 0) {
          sum[0] += static_cast<double>(i), sum[1] += static_cast<double>(j), sum[2] += static_cast<double>(k);
          count += 1;
        }
      }
    }
  }
  Vector centre;
  for (int axis = 0; axis < 3; ++axis) {
    centre[axis] = count > 0 ? sum[axis] / count : (static_cast<double>(size[axis]) - 1.0) / 2.0;
  }
  return transformPoint(indexToWorld(labels), centre);
}

struct Window {
  double lower, upper;
  std::string description;  // for the picture's notes
};

double samplePercentile(std::vector<float>& sample, double percent) {
  if (sample.empty()) {
    return 0.0;
  }
  const auto rank = static_cast<std::size_t>(std::lround(percent / 100.0 * static_cast<double>(sample.size() - 1)));
  std::nth_element(sample.begin(), sample.begin() + static_cast<long>(rank), sample.end());
  return sample[rank];
}

Window chooseWindow(const FloatImage& image, const MosaicOptions& options) {
  // Percentiles from an even subsample of at most about a million voxels: plenty for a display window.
  const std::size_t count = image.GetLargestPossibleRegion().GetNumberOfPixels();
  const std::size_t step = std::max<std::size_t>(1, count / 1000000);
  std::vector<float> sample;
  for (std::size_t index = 0; index < count; index += step) {
    sample.push_back(image.GetBufferPointer()[index]);
  }
  WindowPreset preset = options.window;
  if (preset == WindowPreset::Auto) {
    preset = samplePercentile(sample, 1.0) < -500.0 ? WindowPreset::CtSoftTissue : WindowPreset::Percentile;
  }
  switch (preset) {
    case WindowPreset::CtSoftTissue: return {40.0 - 200.0, 40.0 + 200.0, "CT soft tissue, W 400 L 40 HU"};
    case WindowPreset::CtLung: return {-600.0 - 750.0, -600.0 + 750.0, "CT lung, W 1500 L -600 HU"};
    case WindowPreset::CtBone: return {400.0 - 900.0, 400.0 + 900.0, "CT bone, W 1800 L 400 HU"};
    case WindowPreset::CtBrain: return {40.0 - 40.0, 40.0 + 40.0, "CT brain, W 80 L 40 HU"};
    default: break;
  }
  const double lower = samplePercentile(sample, options.lowerPercentile);
  const double upper = samplePercentile(sample, options.upperPercentile);
  std::ostringstream description;
  description << "percentiles " << options.lowerPercentile << " to " << options.upperPercentile << " of the scan ("
              << lower << " to " << upper << ")";
  return {lower, upper > lower ? upper : lower + 1.0, description.str()};
}

// The patient direction a unit LPS axis vector points to.
std::string directionLetter(const Vector& direction) {
  static const char* positive[3] = {"L", "P", "S"};
  static const char* negative[3] = {"R", "A", "I"};
  for (int axis = 0; axis < 3; ++axis) {
    if (direction[axis] != 0) {
      return direction[axis] > 0 ? positive[axis] : negative[axis];
    }
  }
  return "";
}

Vector negated(const Vector& vector) {
  return {-vector[0], -vector[1], -vector[2]};
}

}  // namespace

WindowPreset parseWindowPreset(const std::string& text) {
  static const std::map<std::string, WindowPreset> presets{
      {"auto", WindowPreset::Auto},        {"ct-soft-tissue", WindowPreset::CtSoftTissue},
      {"ct-lung", WindowPreset::CtLung},   {"ct-bone", WindowPreset::CtBone},
      {"ct-brain", WindowPreset::CtBrain}, {"percentile", WindowPreset::Percentile}};
  const auto found = presets.find(text);
  if (found == presets.end()) {
    throw usageError("--window must be one of auto|ct-soft-tissue|ct-lung|ct-bone|ct-brain|percentile, not \"" + text +
                     "\"");
  }
  return found->second;
}

ViewMarkers mosaicViewMarkers(int view) {
  static const char* names[3] = {"Axial", "Coronal", "Sagittal"};
  const Vector& u = viewAxes.at(static_cast<std::size_t>(view))[0];
  const Vector& v = viewAxes.at(static_cast<std::size_t>(view))[1];
  return {names[view], directionLetter(negated(u)), directionLetter(u), directionLetter(negated(v)),
          directionLetter(v)};
}

std::string windowDescription(const FloatImage& image, const MosaicOptions& options) {
  return chooseWindow(image, options).description;
}

MosaicLayout mosaicLayout(const LabelImage& labels, const MosaicOptions& options) {
  MosaicLayout layout;
  layout.centre = labelCentroid(labels);
  const auto size = labels.GetLargestPossibleRegion().GetSize();
  const auto& spacing = labels.GetSpacing();
  const Affine toWorld = indexToWorld(labels);
  // Extent of the voxel box (corners at -0.5 and size - 0.5) along each view axis, around the centre.
  std::array<std::array<double, 4>, 3> extent{};  // umin, umax, vmin, vmax per view
  for (int view = 0; view < 3; ++view) {
    extent[view] = {1e300, -1e300, 1e300, -1e300};
  }
  for (int corner = 0; corner < 8; ++corner) {
    Vector index;
    for (int axis = 0; axis < 3; ++axis) {
      index[axis] = (corner >> axis) & 1 ? static_cast<double>(size[axis]) - 0.5 : -0.5;
    }
    Vector point = transformPoint(toWorld, index);
    for (int axis = 0; axis < 3; ++axis) {
      point[axis] -= layout.centre[axis];
    }
    for (int view = 0; view < 3; ++view) {
      const double u = dot(point, viewAxes[view][0]), v = dot(point, viewAxes[view][1]);
      extent[view] = {std::min(extent[view][0], u), std::max(extent[view][1], u), std::min(extent[view][2], v),
                      std::max(extent[view][3], v)};
    }
  }
  double largest = 0;
  for (const auto& e : extent) {
    largest = std::max({largest, e[1] - e[0], e[3] - e[2]});
  }
  layout.pixelSize = std::min({spacing[0], spacing[1], spacing[2]});
  if (options.minimumPanelSize > 0) {
    layout.pixelSize = std::min(layout.pixelSize, largest / options.minimumPanelSize);
  }
  layout.pixelSize = std::max(layout.pixelSize, largest / options.maximumPanelSize);
  int left = 0;
  for (int view = 0; view < 3; ++view) {
    // The small slack keeps an extent of exactly n pixels from rounding up to n + 1.
    const int width =
        std::max(1, static_cast<int>(std::ceil((extent[view][1] - extent[view][0]) / layout.pixelSize - 1e-6)));
    const int height =
        std::max(1, static_cast<int>(std::ceil((extent[view][3] - extent[view][2]) / layout.pixelSize - 1e-6)));
    layout.panelSize[view] = {width, height};
    layout.panelStart[view] = {extent[view][0], extent[view][2]};
    layout.panelLeft[view] = left;
    left += width + (view < 2 ? panelGap : 0);
    layout.height = std::max(layout.height, height);
  }
  layout.width = left;
  return layout;
}

RgbPicture renderSliceMosaic(const LabelImage& labels, const FloatImage* image,
                             const std::vector<LabelInfo>& labelTable, const MosaicOptions& options) {
  if (image != nullptr && !evaluation::sameGrid(labels, *image)) {
    throw std::invalid_argument("renderSliceMosaic: labels (" + evaluation::describeGrid(labels) + ") and image (" +
                                evaluation::describeGrid(*image) + ") are on different grids");
  }
  const MosaicLayout layout = mosaicLayout(labels, options);
  const Window window = image != nullptr ? chooseWindow(*image, options) : Window{0.0, 1.0};
  const double opacity = image != nullptr ? options.labelOpacity : 1.0;
  std::map<int, std::array<double, 3>> colours;
  for (const auto& info : labelTable) {
    colours[info.id] = info.color;
  }

  RgbPicture picture;
  picture.width = layout.width;
  picture.height = layout.height;
  picture.pixels.assign(static_cast<std::size_t>(picture.width) * picture.height * 3, 0);
  const Affine toIndex = worldToIndex(labels);
  const auto size = labels.GetLargestPossibleRegion().GetSize();
  const auto* labelVoxels = labels.GetBufferPointer();
  const float* intensities = image != nullptr ? image->GetBufferPointer() : nullptr;

  for (int view = 0; view < 3; ++view) {
    const Vector& u = viewAxes[view][0];
    const Vector& v = viewAxes[view][1];
    const auto [width, height] = layout.panelSize[view];
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x) {
        const double du = layout.panelStart[view][0] + (x + 0.5) * layout.pixelSize;
        const double dv = layout.panelStart[view][1] + (y + 0.5) * layout.pixelSize;
        Vector point;
        for (int axis = 0; axis < 3; ++axis) {
          point[axis] = layout.centre[axis] + du * u[axis] + dv * v[axis];
        }
        const Vector index = transformPoint(toIndex, point);
        long voxel[3];
        bool inside = true;
        for (int axis = 0; axis < 3; ++axis) {
          voxel[axis] = static_cast<long>(std::floor(index[axis] + 0.5));
          inside = inside && voxel[axis] >= 0 && voxel[axis] < static_cast<long>(size[axis]);
        }
        if (!inside) {
          continue;
        }
        const std::size_t offset =
            (static_cast<std::size_t>(voxel[2]) * size[1] + static_cast<std::size_t>(voxel[1])) * size[0] +
            static_cast<std::size_t>(voxel[0]);
        double grey = 0.0;
        if (intensities != nullptr) {
          grey = std::clamp((intensities[offset] - window.lower) / (window.upper - window.lower), 0.0, 1.0);
        }
        std::array<double, 3> colour{grey, grey, grey};
        const int label = labelVoxels[offset];
        if (label != 0) {
          const auto found = colours.find(label);
          const auto labelColour = found != colours.end() ? found->second : defaultLabelColor(label);
          for (int c = 0; c < 3; ++c) {
            colour[c] = (1.0 - opacity) * grey + opacity * labelColour[c];
          }
        }
        const auto bytes = rgbOf(colour);
        const std::size_t pixel =
            (static_cast<std::size_t>(y) * picture.width + static_cast<std::size_t>(layout.panelLeft[view] + x)) * 3;
        std::copy(bytes.begin(), bytes.end(), picture.pixels.begin() + static_cast<long>(pixel));
      }
    }
  }
  return picture;
}

}  // namespace skipseg::render
