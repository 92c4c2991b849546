#include "skipseg/preprocessing/Cropping.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "skipseg/core/Error.h"
#include "skipseg/core/Logging.h"

namespace skipseg::preprocessing {

CropRegion CropRegion::whole(const ImageGeometry& grid) {
  CropRegion region;
  region.original = grid;
  region.size = grid.size;
  return region;
}

bool CropRegion::coversWhole() const {
  return index == std::array<std::size_t, 3>{{0, 0, 0}} && size == original.size;
}

ImageGeometry CropRegion::croppedGeometry() const {
  ImageGeometry grid = original;
  grid.size = size;
  grid.origin = original.indexToPhysical(
      {{static_cast<double>(index[0]), static_cast<double>(index[1]), static_cast<double>(index[2])}});
  return grid;
}

CropRegion nonZeroRegion(const FloatImage& image, const NonZeroOptions& options) {
  const ImageGeometry grid = geometryOf(image);
  std::array<std::size_t, 3> lowest{{std::numeric_limits<std::size_t>::max(), std::numeric_limits<std::size_t>::max(),
                                     std::numeric_limits<std::size_t>::max()}};
  std::array<std::size_t, 3> highest{{0, 0, 0}};
  bool any = false;
  const float* values = image.GetBufferPointer();
  for (std::size_t k = 0; k < grid.size[2]; ++k) {
    for (std::size_t j = 0; j < grid.size[1]; ++j) {
      const float* row = values + (k * grid.size[1] + j) * grid.size[0];
      std::size_t first = grid.size[0];
      std::size_t last = 0;
      for (std::size_t i = 0; i < grid.size[0]; ++i) {
        const bool kept = options.threshold ? row[i] > *options.threshold : row[i] != 0.0f;
        if (kept) {
          first = std::min(first, i);
          last = i;
        }
      }
      if (first == grid.size[0]) {
        continue;
      }
      any = true;
      lowest = {{std::min(lowest[0], first), std::min(lowest[1], j), std::min(lowest[2], k)}};
      highest = {{std::max(highest[0], last), std::max(highest[1], j), std::max(highest[2], k)}};
    }
  }
  if (!any) {
    spdlog::debug("crop: no voxel above the threshold, keeping the whole {}", grid.describe());
    return CropRegion::whole(grid);
  }
  CropRegion region;
  region.original = grid;
  for (int axis = 0; axis < 3; ++axis) {
    const std::size_t first = lowest[axis] > options.marginVoxels ? lowest[axis] - options.marginVoxels : 0;
    const std::size_t last = std::min(highest[axis] + options.marginVoxels, grid.size[axis] - 1);
    region.index[axis] = first;
    region.size[axis] = last - first + 1;
  }
  spdlog::debug("crop: {}x{}x{} voxels at ({}, {}, {}) of {}", region.size[0], region.size[1], region.size[2],
                region.index[0], region.index[1], region.index[2], grid.describe());
  return region;
}

CropRegion unionOf(const CropRegion& first, const CropRegion& second) {
  if (!first.original.sameGrid(second.original)) {
    throw internalError("crop regions of different grids cannot be merged");
  }
  CropRegion region;
  region.original = first.original;
  for (int axis = 0; axis < 3; ++axis) {
    region.index[axis] = std::min(first.index[axis], second.index[axis]);
    const std::size_t end = std::max(first.index[axis] + first.size[axis], second.index[axis] + second.size[axis]);
    region.size[axis] = end - region.index[axis];
  }
  return region;
}

namespace {

/// Copies the box `size` at `from` in a volume of `fromSize` to `to` in a volume of `toSize`, row by row.
template <typename TPixel>
void copyBox(const TPixel* source, const std::array<std::size_t, 3>& sourceSize, const std::array<std::size_t, 3>& from,
             TPixel* target, const std::array<std::size_t, 3>& targetSize, const std::array<std::size_t, 3>& to,
             const std::array<std::size_t, 3>& size) {
  for (std::size_t k = 0; k < size[2]; ++k) {
    for (std::size_t j = 0; j < size[1]; ++j) {
      const TPixel* sourceRow = source + ((from[2] + k) * sourceSize[1] + (from[1] + j)) * sourceSize[0] + from[0];
      TPixel* targetRow = target + ((to[2] + k) * targetSize[1] + (to[1] + j)) * targetSize[0] + to[0];
      std::memcpy(targetRow, sourceRow, size[0] * sizeof(TPixel));
    }
  }
}

void checkInside(const CropRegion& region) {
  for (int axis = 0; axis < 3; ++axis) {
    if (region.size[axis] == 0 || region.index[axis] + region.size[axis] > region.original.size[axis]) {
      throw internalError("crop region outside its image");
    }
  }
}

template <typename TImage, typename TMake>
typename TImage::Pointer cropImage(const TImage& image, const CropRegion& region, TMake make) {
  checkInside(region);
  if (!geometryOf(image).sameGrid(region.original)) {
    throw internalError("crop region of another grid: " + region.original.describe() + " vs " +
                        geometryOf(image).describe());
  }
  auto cropped = make(region.croppedGeometry());
  copyBox(image.GetBufferPointer(), region.original.size, region.index, cropped->GetBufferPointer(), region.size,
          {{0, 0, 0}}, region.size);
  return cropped;
}

template <typename TImage, typename TMake>
typename TImage::Pointer uncropImage(const TImage& cropped, const CropRegion& region, TMake make) {
  checkInside(region);
  if (!geometryOf(cropped).sameGrid(region.croppedGeometry())) {
    throw internalError("cropped volume " + geometryOf(cropped).describe() + " does not lie on its crop region " +
                        region.croppedGeometry().describe());
  }
  auto full = make(region.original);
  copyBox(cropped.GetBufferPointer(), region.size, {{0, 0, 0}}, full->GetBufferPointer(), region.original.size,
          region.index, region.size);
  return full;
}

}  // namespace

FloatImage::Pointer crop(const FloatImage& image, const CropRegion& region) {
  return cropImage(image, region, [](const ImageGeometry& grid) { return makeFloatImage(grid); });
}

LabelImage::Pointer crop(const LabelImage& labels, const CropRegion& region) {
  return cropImage(labels, region, [](const ImageGeometry& grid) { return makeLabelImage(grid); });
}

FloatImage::Pointer uncrop(const FloatImage& cropped, const CropRegion& region, float background) {
  return uncropImage(cropped, region,
                     [background](const ImageGeometry& grid) { return makeFloatImage(grid, background); });
}

LabelImage::Pointer uncrop(const LabelImage& cropped, const CropRegion& region, LabelValue background) {
  return uncropImage(cropped, region,
                     [background](const ImageGeometry& grid) { return makeLabelImage(grid, background); });
}

}  // namespace skipseg::preprocessing
