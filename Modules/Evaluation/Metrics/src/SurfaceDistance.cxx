#include "skipseg/evaluation/SurfaceDistance.h"

#include <itkSignedMaurerDistanceMapImageFilter.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace skipseg::evaluation {
namespace {

using MaskImage = itk::Image<unsigned char, 3>;

// A working window: the structures' box grown by one voxel on every side, so that every surface
// voxel has a background neighbour inside the window (ITK's contour then equals our surface).
struct Window {
  std::array<long, 3> start{};
  std::array<long, 3> size{};
  std::size_t offset(long x, long y, long z) const { return static_cast<std::size_t>((z * size[1] + y) * size[0] + x); }
};

// Surface voxels of `label` inside the window, as a 0/1 mask over the window.
std::vector<unsigned char> surfaceMask(const LabelImage& image, LabelValue label, const Window& window) {
  const auto imageSize = image.GetLargestPossibleRegion().GetSize();
  const long nx = static_cast<long>(imageSize[0]), ny = static_cast<long>(imageSize[1]),
             nz = static_cast<long>(imageSize[2]);
  const LabelValue* voxels = image.GetBufferPointer();
  auto inside = [&](long i, long j, long k) {
    return i >= 0 && j >= 0 && k >= 0 && i < nx && j < ny && k < nz && voxels[(k * ny + j) * nx + i] == label;
  };
  std::vector<unsigned char> mask(static_cast<std::size_t>(window.size[0] * window.size[1] * window.size[2]), 0);
  for (long z = 0; z < window.size[2]; ++z) {
    for (long y = 0; y < window.size[1]; ++y) {
      for (long x = 0; x < window.size[0]; ++x) {
        const long i = window.start[0] + x, j = window.start[1] + y, k = window.start[2] + z;
        if (!inside(i, j, k)) {
          continue;
        }
        const bool boundary = !inside(i - 1, j, k) || !inside(i + 1, j, k) || !inside(i, j - 1, k) ||
                              !inside(i, j + 1, k) || !inside(i, j, k - 1) || !inside(i, j, k + 1);
        mask[window.offset(x, y, z)] = boundary ? 1 : 0;
      }
    }
  }
  return mask;
}

// Unsigned distance (mm) from every window voxel to the nearest voxel of `mask`.
std::vector<float> distanceToMask(const std::vector<unsigned char>& mask, const Window& window,
                                  const LabelImage::SpacingType& spacing) {
  auto image = MaskImage::New();
  MaskImage::RegionType region;
  for (unsigned axis = 0; axis < 3; ++axis) {
    region.SetSize(axis, static_cast<itk::SizeValueType>(window.size[axis]));
  }
  image->SetRegions(region);
  image->SetSpacing(spacing);
  image->Allocate();
  std::copy(mask.begin(), mask.end(), image->GetBufferPointer());

  using DistanceFilter = itk::SignedMaurerDistanceMapImageFilter<MaskImage, FloatImage>;
  auto filter = DistanceFilter::New();
  filter->SetInput(image);
  filter->SetUseImageSpacing(true);
  filter->SetSquaredDistance(false);
  filter->SetInsideIsPositive(false);
  filter->SetBackgroundValue(0);
  filter->Update();
  const float* distances = filter->GetOutput()->GetBufferPointer();
  std::vector<float> result(distances, distances + mask.size());
  // Surface voxels lie on the mask's own contour (distance 0); the sign only marks the inside.
  for (auto& value : result) {
    value = std::abs(value);
  }
  return result;
}

std::vector<double> sampleAt(const std::vector<unsigned char>& surface, const std::vector<float>& distances) {
  std::vector<double> samples;
  for (std::size_t index = 0; index < surface.size(); ++index) {
    if (surface[index]) {
      samples.push_back(distances[index]);
    }
  }
  return samples;
}

}  // namespace

void IndexBox::include(long i, long j, long k) {
  if (empty()) {
    lower = {i, j, k};
    upper = {i, j, k};
    return;
  }
  const std::array<long, 3> index{{i, j, k}};
  for (unsigned axis = 0; axis < 3; ++axis) {
    lower[axis] = std::min(lower[axis], index[axis]);
    upper[axis] = std::max(upper[axis], index[axis]);
  }
}

void IndexBox::include(const IndexBox& other) {
  if (other.empty()) {
    return;
  }
  include(other.lower[0], other.lower[1], other.lower[2]);
  include(other.upper[0], other.upper[1], other.upper[2]);
}

SurfaceDistances surfaceDistances(const LabelImage& reference, const LabelImage& prediction, LabelValue label,
                                  const IndexBox& box) {
  Window window;
  for (unsigned axis = 0; axis < 3; ++axis) {
    window.start[axis] = box.lower[axis] - 1;
    window.size[axis] = box.upper[axis] - box.lower[axis] + 3;
  }
  const auto referenceSurface = surfaceMask(reference, label, window);
  const auto predictionSurface = surfaceMask(prediction, label, window);
  const auto& spacing = reference.GetSpacing();
  SurfaceDistances result;
  result.referenceToPrediction = sampleAt(referenceSurface, distanceToMask(predictionSurface, window, spacing));
  result.predictionToReference = sampleAt(predictionSurface, distanceToMask(referenceSurface, window, spacing));
  return result;
}

double percentile(std::vector<double> values, double percent) {
  if (values.empty()) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  std::sort(values.begin(), values.end());
  const double position = percent / 100.0 * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const auto above = std::min(below + 1, values.size() - 1);
  const double fraction = position - static_cast<double>(below);
  if (fraction == 0.0) {
    return values[below];
  }
  return values[below] + fraction * (values[above] - values[below]);
}

}  // namespace skipseg::evaluation
