#include "skipseg/preprocessing/BackMapping.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <thread>

#include <itkPoolMultiThreader.h>

#include "skipseg/core/Error.h"
#include "skipseg/core/Logging.h"
#include "skipseg/preprocessing/Resampling.h"

namespace skipseg::preprocessing {

namespace {

using Matrix3 = std::array<double, 9>;

Matrix3 inverse(const Matrix3& m) {
  const double determinant =
      m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
  if (std::abs(determinant) < 1e-12) {
    throw internalError("model grid has a singular direction matrix");
  }
  const double f = 1.0 / determinant;
  return {{(m[4] * m[8] - m[5] * m[7]) * f, (m[2] * m[7] - m[1] * m[8]) * f, (m[1] * m[5] - m[2] * m[4]) * f,
           (m[5] * m[6] - m[3] * m[8]) * f, (m[0] * m[8] - m[2] * m[6]) * f, (m[2] * m[3] - m[0] * m[5]) * f,
           (m[3] * m[7] - m[4] * m[6]) * f, (m[1] * m[6] - m[0] * m[7]) * f, (m[0] * m[4] - m[1] * m[3]) * f}};
}

/// Native index -> model continuous index: modelIndex = linear * nativeIndex + offset.
struct IndexMap {
  Matrix3 linear{};
  std::array<double, 3> offset{};

  IndexMap(const ImageGeometry& native, const ImageGeometry& model) {
    Matrix3 modelIndexToPhysical{};
    for (int row = 0; row < 3; ++row) {
      for (int axis = 0; axis < 3; ++axis) {
        modelIndexToPhysical[row * 3 + axis] = model.direction[row * 3 + axis] * model.spacing[axis];
      }
    }
    const Matrix3 physicalToModel = inverse(modelIndexToPhysical);
    for (int row = 0; row < 3; ++row) {
      for (int axis = 0; axis < 3; ++axis) {
        double sum = 0;
        for (int inner = 0; inner < 3; ++inner) {
          sum += physicalToModel[row * 3 + inner] * native.direction[inner * 3 + axis] * native.spacing[axis];
        }
        linear[row * 3 + axis] = sum;
      }
      double shift = 0;
      for (int inner = 0; inner < 3; ++inner) {
        shift += physicalToModel[row * 3 + inner] * (native.origin[inner] - model.origin[inner]);
      }
      offset[row] = shift;
    }
  }
};

/// Where a native voxel centre falls in the model grid: the eight surrounding voxels (edge voxels
/// repeated beyond the edge) and the fractional position between them.
struct Cell {
  std::size_t corner[8];  ///< offsets in a channel: x varies fastest, then y, then z
  double fraction[3];
};

/// False when `index` is outside the model grid's field of view.
bool locate(const std::array<double, 3>& index, const std::array<std::size_t, 3>& size, Cell& cell) {
  std::size_t low[3];
  std::size_t high[3];
  for (int axis = 0; axis < 3; ++axis) {
    const double position = index[axis];
    const auto extent = static_cast<double>(size[axis]);
    if (!(position >= -0.5 && position < extent - 0.5)) {
      return false;
    }
    const double floored = std::floor(position);
    if (floored < 0) {
      low[axis] = high[axis] = 0;
      cell.fraction[axis] = 0;
    } else {
      low[axis] = static_cast<std::size_t>(floored);
      high[axis] = std::min(low[axis] + 1, size[axis] - 1);
      cell.fraction[axis] = position - floored;
    }
  }
  const std::size_t rowLength = size[0];
  const std::size_t sliceLength = size[0] * size[1];
  for (int corner = 0; corner < 8; ++corner) {
    const std::size_t i = (corner & 1) ? high[0] : low[0];
    const std::size_t j = (corner & 2) ? high[1] : low[1];
    const std::size_t k = (corner & 4) ? high[2] : low[2];
    cell.corner[corner] = k * sliceLength + j * rowLength + i;
  }
  return true;
}

/// Trilinear value in the same order as ITK's linear interpolator (x, then y, then z), so that the
/// memory-bounded path and the ITK reference agree to the last bit in practice.
float interpolate(const float* channel, const Cell& cell) {
  const double* t = cell.fraction;
  const double v000 = channel[cell.corner[0]], v100 = channel[cell.corner[1]];
  const double v010 = channel[cell.corner[2]], v110 = channel[cell.corner[3]];
  const double v001 = channel[cell.corner[4]], v101 = channel[cell.corner[5]];
  const double v011 = channel[cell.corner[6]], v111 = channel[cell.corner[7]];
  const double x00 = v000 + (v100 - v000) * t[0];
  const double x10 = v010 + (v110 - v010) * t[0];
  const double x01 = v001 + (v101 - v001) * t[0];
  const double x11 = v011 + (v111 - v011) * t[0];
  const double y0 = x00 + (x10 - x00) * t[1];
  const double y1 = x01 + (x11 - x01) * t[1];
  return static_cast<float>(y0 + (y1 - y0) * t[2]);
}

/// Calls `task(index)` for every index in [0, count) on up to `threads` threads of ITK's thread pool,
/// which lives as long as the process: no thread is started per call. The calling thread runs index 0
/// (the first chunk) itself and returns when every task is done.
void onThreadPool(std::size_t count, unsigned threads, const std::function<void(std::size_t)>& task) {
  if (threads <= 1 || count <= 1) {
    for (std::size_t index = 0; index < count; ++index) {
      task(index);
    }
    return;
  }
  auto pool = itk::PoolMultiThreader::New();
  pool->SetMaximumNumberOfThreads(threads);
  pool->SetNumberOfWorkUnits(threads);
  pool->ParallelizeArray(
      0, count, [&](itk::SizeValueType index) { task(index); }, nullptr);
}

constexpr std::uint8_t kUndecided = 255;

/// Per model voxel: the winning channel where it beats every other channel by a margin far above float
/// rounding, else kUndecided. Empty when there are too many channels for one byte.
std::vector<std::uint8_t> clearWinners(const VoxelBuffer& scores, unsigned threads) {
  if (scores.channels >= kUndecided) {
    return {};
  }
  const std::size_t count = scores.geometry.voxelCount();
  std::vector<std::uint8_t> winners(count, kUndecided);
  auto work = [&](std::size_t begin, std::size_t end) {
    for (std::size_t voxel = begin; voxel < end; ++voxel) {
      float best = scores.values[voxel];
      std::size_t winner = 0;
      float second = -std::numeric_limits<float>::infinity();
      for (std::size_t c = 1; c < scores.channels; ++c) {
        const float value = scores.values[c * count + voxel];
        if (value > best) {
          second = best;
          best = value;
          winner = c;
        } else if (value > second) {
          second = value;
        }
      }
      if (best - second > 1e-5f * (1.0f + std::abs(best))) {
        winners[voxel] = static_cast<std::uint8_t>(winner);
      }
    }
  };
  const std::size_t share = (count + threads - 1) / threads;
  onThreadPool(threads, threads, [&](std::size_t part) {
    const std::size_t begin = std::min(count, part * share);
    work(begin, std::min(count, begin + share));
  });
  return winners;
}

unsigned threadCount(const BackMappingOptions& options) {
  const unsigned available = std::max(1u, std::thread::hardware_concurrency());
  return options.threads == 0 ? available : options.threads;
}

/// Runs `slab(firstSlice, endSlice)` over the native k axis on `threads` threads of the pool, which take
/// slabs in turn; the first of them, run by the calling thread, alone reports progress.
template <typename TSlab>
void forEachSlab(std::size_t slices, std::size_t slabSlices, unsigned threads, ProgressReporter& progress, TSlab slab) {
  slabSlices = std::max<std::size_t>(1, slabSlices);
  const std::size_t slabCount = (slices + slabSlices - 1) / slabSlices;
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  auto run = [&](bool reporting) {
    for (std::size_t index = next++; index < slabCount; index = next++) {
      slab(index * slabSlices, std::min(slices, (index + 1) * slabSlices));
      const std::size_t finished = ++done;
      if (reporting) {
        progress.update(static_cast<double>(finished) / static_cast<double>(slabCount));
      }
    }
  };
  const auto workers = static_cast<unsigned>(std::min<std::size_t>(threads, slabCount));
  onThreadPool(workers, workers, [&](std::size_t worker) { run(worker == 0); });
}

void checkInputs(const VoxelBuffer& scores, const std::vector<LabelValue>& labelIds) {
  if (scores.channels == 0 || labelIds.size() != scores.channels) {
    throw internalError("back-mapping needs one label id per channel (" + std::to_string(scores.channels) +
                        " channels, " + std::to_string(labelIds.size()) + " ids)");
  }
  if (scores.values.size() != scores.channels * scores.geometry.voxelCount()) {
    throw internalError("score buffer size does not match its geometry");
  }
}

/// Calls `visit(nativeOffset, cell)` for every native voxel of slices [firstSlice, endSlice) inside
/// the model grid, and `outside(nativeOffset)` for the others.
template <typename TVisit, typename TOutside>
void walkSlices(const IndexMap& map, const ImageGeometry& native, const ImageGeometry& model, std::size_t firstSlice,
                std::size_t endSlice, TVisit visit, TOutside outside) {
  const auto& a = map.linear;
  Cell cell;
  for (std::size_t k = firstSlice; k < endSlice; ++k) {
    for (std::size_t j = 0; j < native.size[1]; ++j) {
      const auto jj = static_cast<double>(j);
      const auto kk = static_cast<double>(k);
      const std::array<double, 3> rowStart{{a[1] * jj + a[2] * kk + map.offset[0],
                                            a[4] * jj + a[5] * kk + map.offset[1],
                                            a[7] * jj + a[8] * kk + map.offset[2]}};
      std::size_t nativeOffset = (k * native.size[1] + j) * native.size[0];
      for (std::size_t i = 0; i < native.size[0]; ++i, ++nativeOffset) {
        const auto ii = static_cast<double>(i);
        const std::array<double, 3> index{{rowStart[0] + a[0] * ii, rowStart[1] + a[3] * ii, rowStart[2] + a[6] * ii}};
        if (locate(index, model.size, cell)) {
          visit(nativeOffset, cell);
        } else {
          outside(nativeOffset);
        }
      }
    }
  }
}

}  // namespace

LabelImage::Pointer mapScoresToNativeLabels(const VoxelBuffer& scores, const ImageGeometry& native,
                                            const std::vector<LabelValue>& labelIds, const BackMappingOptions& options,
                                            ProgressReporter& progress) {
  checkInputs(scores, labelIds);
  const ImageGeometry& model = scores.geometry;
  const unsigned threads = threadCount(options);
  const IndexMap map(native, model);
  const std::vector<std::uint8_t> winners = clearWinners(scores, threads);
  auto labels = makeLabelImage(native, options.background);
  LabelValue* output = labels->GetBufferPointer();
  const std::size_t modelCount = model.voxelCount();
  std::atomic<std::size_t> interpolated{0};
  spdlog::debug(
      "back-mapping: {} classes on {} ({:.1f} MB scores) -> labels on {} ({:.1f} MB), slabs of {} slices, "
      "{} threads, winner table {:.1f} MB",
      scores.channels, model.describe(), scores.values.size() * 4.0 / 1e6, native.describe(),
      native.voxelCount() * sizeof(LabelValue) / 1e6, options.slabSlices, threads, winners.size() / 1e6);
  forEachSlab(native.size[2], options.slabSlices, threads, progress, [&](std::size_t first, std::size_t end) {
    std::size_t slabInterpolated = 0;
    walkSlices(
        map, native, model, first, end,
        [&](std::size_t nativeOffset, const Cell& cell) {
          if (!winners.empty()) {
            const std::uint8_t candidate = winners[cell.corner[0]];
            bool agreed = candidate != kUndecided;
            for (int corner = 1; agreed && corner < 8; ++corner) {
              agreed = winners[cell.corner[corner]] == candidate;
            }
            if (agreed) {
              output[nativeOffset] = labelIds[candidate];
              return;
            }
          }
          ++slabInterpolated;
          float best = interpolate(scores.values.data(), cell);
          std::size_t winner = 0;
          for (std::size_t c = 1; c < scores.channels; ++c) {
            const float value = interpolate(scores.values.data() + c * modelCount, cell);
            if (value > best) {
              best = value;
              winner = c;
            }
          }
          output[nativeOffset] = labelIds[winner];
        },
        [](std::size_t) {});  // already background
    interpolated += slabInterpolated;
  });
  spdlog::debug("back-mapping: {} of {} native voxels needed every class interpolated", interpolated.load(),
                native.voxelCount());
  return labels;
}

LabelImage::Pointer mapScoresToNativeLabelsDirect(const VoxelBuffer& scores, const ImageGeometry& native,
                                                  const std::vector<LabelValue>& labelIds, LabelValue background) {
  checkInputs(scores, labelIds);
  const std::size_t count = native.voxelCount();
  constexpr float kOutside = -std::numeric_limits<float>::infinity();
  std::vector<float> best(count, kOutside);
  auto labels = makeLabelImage(native, background);
  LabelValue* output = labels->GetBufferPointer();
  auto channelImage = makeFloatImage(scores.geometry);
  for (std::size_t c = 0; c < scores.channels; ++c) {
    std::copy_n(scores.channel(c), scores.geometry.voxelCount(), channelImage->GetBufferPointer());
    channelImage->Modified();
    const auto resampled = resampleOntoGrid(*channelImage, native, Interpolation::Linear, kOutside);
    const float* values = resampled->GetBufferPointer();
    for (std::size_t voxel = 0; voxel < count; ++voxel) {
      if (values[voxel] > best[voxel]) {
        best[voxel] = values[voxel];
        output[voxel] = labelIds[c];
      }
    }
  }
  return labels;
}

VoxelBuffer mapScoresToNativeGrid(const VoxelBuffer& scores, const ImageGeometry& native,
                                  const std::vector<LabelValue>& labelIds, const BackMappingOptions& options) {
  checkInputs(scores, labelIds);
  const ImageGeometry& model = scores.geometry;
  const IndexMap map(native, model);
  VoxelBuffer result(native, scores.channels, 0.0f);
  const std::size_t nativeCount = native.voxelCount();
  const std::size_t modelCount = model.voxelCount();
  const auto backgroundChannel = std::find(labelIds.begin(), labelIds.end(), options.background);
  spdlog::debug("back-mapping: {} class probabilities onto {} ({:.1f} MB)", scores.channels, native.describe(),
                result.values.size() * 4.0 / 1e6);
  forEachSlab(native.size[2], options.slabSlices, threadCount(options), silentProgress(),
              [&](std::size_t first, std::size_t end) {
                walkSlices(
                    map, native, model, first, end,
                    [&](std::size_t nativeOffset, const Cell& cell) {
                      for (std::size_t c = 0; c < scores.channels; ++c) {
                        result.values[c * nativeCount + nativeOffset] =
                            interpolate(scores.values.data() + c * modelCount, cell);
                      }
                    },
                    [&](std::size_t nativeOffset) {
                      if (backgroundChannel != labelIds.end()) {
                        const auto c = static_cast<std::size_t>(backgroundChannel - labelIds.begin());
                        result.values[c * nativeCount + nativeOffset] = 1.0f;
                      }
                    });
              });
  return result;
}

}  // namespace skipseg::preprocessing
