#include "skipseg/postprocessing/Components.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <limits>

#include <spdlog/spdlog.h>

namespace skipseg::postprocessing {

namespace {

using Index3 = std::array<std::size_t, 3>;

/// An inclusive box of voxels.
struct Box {
  Index3 low{{std::numeric_limits<std::size_t>::max(), std::numeric_limits<std::size_t>::max(),
              std::numeric_limits<std::size_t>::max()}};
  Index3 high{{0, 0, 0}};

  bool empty() const { return low[0] > high[0]; }
  void add(std::size_t i, std::size_t j, std::size_t k) {
    low = {{std::min(low[0], i), std::min(low[1], j), std::min(low[2], k)}};
    high = {{std::max(high[0], i), std::max(high[1], j), std::max(high[2], k)}};
  }
  std::size_t extent(int axis) const { return high[axis] - low[axis] + 1; }
  std::size_t count() const { return extent(0) * extent(1) * extent(2); }
};

std::vector<std::array<int, 3>> neighbourSteps(Connectivity connectivity) {
  const int reach = connectivity == Connectivity::Face ? 1 : (connectivity == Connectivity::Edge ? 2 : 3);
  std::vector<std::array<int, 3>> steps;
  for (int dk = -1; dk <= 1; ++dk) {
    for (int dj = -1; dj <= 1; ++dj) {
      for (int di = -1; di <= 1; ++di) {
        const int distance = std::abs(di) + std::abs(dj) + std::abs(dk);
        if (distance > 0 && distance <= reach) {
          steps.push_back({{di, dj, dk}});
        }
      }
    }
  }
  return steps;
}

/// Flood fills within a box of a label volume. `marks` holds one byte per box voxel.
class BoxFlood {
 public:
  BoxFlood(LabelValue* data, const Index3& size, const Box& box, Connectivity connectivity)
      : data_(data), size_(size), box_(box), steps_(neighbourSteps(connectivity)), marks_(box.count(), 0) {}

  std::size_t volumeOffset(const Index3& local) const {
    return ((box_.low[2] + local[2]) * size_[1] + box_.low[1] + local[1]) * size_[0] + box_.low[0] + local[0];
  }
  std::size_t boxOffset(const Index3& local) const {
    return (local[2] * box_.extent(1) + local[1]) * box_.extent(0) + local[0];
  }
  LabelValue& value(const Index3& local) { return data_[volumeOffset(local)]; }
  std::uint8_t& mark(const Index3& local) { return marks_[boxOffset(local)]; }

  /// Visits every voxel connected to `seed` through voxels where `member` holds and whose mark is not
  /// `mark`, marks it and calls `visit(local)`; returns how many were visited.
  template <typename TMember, typename TVisit>
  std::size_t fill(const Index3& seed, std::uint8_t markValue, TMember member, TVisit visit) {
    if (mark(seed) == markValue || !member(value(seed))) {
      return 0;
    }
    std::deque<Index3> queue{seed};
    mark(seed) = markValue;
    std::size_t visited = 0;
    while (!queue.empty()) {
      const Index3 voxel = queue.front();
      queue.pop_front();
      ++visited;
      visit(voxel);
      for (const auto& step : steps_) {
        Index3 next;
        bool inside = true;
        for (int axis = 0; axis < 3 && inside; ++axis) {
          const auto moved = static_cast<std::ptrdiff_t>(voxel[axis]) + step[axis];
          inside = moved >= 0 && moved < static_cast<std::ptrdiff_t>(box_.extent(axis));
          next[axis] = static_cast<std::size_t>(moved);
        }
        if (inside && mark(next) != markValue && member(value(next))) {
          mark(next) = markValue;
          queue.push_back(next);
        }
      }
    }
    return visited;
  }

  template <typename TVoxel>
  void forEach(TVoxel voxel) {
    for (std::size_t k = 0; k < box_.extent(2); ++k) {
      for (std::size_t j = 0; j < box_.extent(1); ++j) {
        for (std::size_t i = 0; i < box_.extent(0); ++i) {
          voxel(Index3{{i, j, k}});
        }
      }
    }
  }

  bool onBoxBorder(const Index3& local) const {
    for (int axis = 0; axis < 3; ++axis) {
      if (local[axis] == 0 || local[axis] + 1 == box_.extent(axis)) {
        return true;
      }
    }
    return false;
  }

 private:
  LabelValue* data_;
  Index3 size_;
  Box box_;
  std::vector<std::array<int, 3>> steps_;
  std::vector<std::uint8_t> marks_;
};

Index3 sizeOf(const LabelImage& labels) {
  const auto size = labels.GetBufferedRegion().GetSize();
  return {{size[0], size[1], size[2]}};
}

/// Bounding boxes of every label value present (index = label), and of all foreground.
struct LabelBoxes {
  std::vector<Box> perLabel;
  Box foreground;
};

LabelBoxes boundingBoxes(const LabelImage& labels, LabelValue background) {
  LabelBoxes boxes;
  boxes.perLabel.resize(std::numeric_limits<LabelValue>::max() + 1);
  const Index3 size = sizeOf(labels);
  const LabelValue* data = labels.GetBufferPointer();
  for (std::size_t k = 0; k < size[2]; ++k) {
    for (std::size_t j = 0; j < size[1]; ++j) {
      for (std::size_t i = 0; i < size[0]; ++i, ++data) {
        if (*data != background) {
          boxes.perLabel[*data].add(i, j, k);
          boxes.foreground.add(i, j, k);
        }
      }
    }
  }
  return boxes;
}

std::vector<LabelValue> labelsToProcess(const LabelBoxes& boxes, const ComponentOptions& options) {
  std::vector<LabelValue> labels;
  for (std::size_t label = 0; label < boxes.perLabel.size(); ++label) {
    const auto value = static_cast<LabelValue>(label);
    const bool wanted = options.onlyLabels.empty() || std::find(options.onlyLabels.begin(), options.onlyLabels.end(),
                                                                value) != options.onlyLabels.end();
    if (value != options.background && wanted && !boxes.perLabel[label].empty()) {
      labels.push_back(value);
    }
  }
  return labels;
}

/// Finds the components of the voxels where `member` holds within `box`, and sets to background those
/// that `remove(size, isLargest)` selects.
template <typename TMember, typename TRemove>
void pruneComponents(LabelImage& labels, const Box& box, const ComponentOptions& options, TMember member,
                     TRemove remove, ComponentReport& report) {
  BoxFlood flood(labels.GetBufferPointer(), sizeOf(labels), box, options.connectivity);
  std::vector<std::pair<Index3, std::size_t>> components;  // seed, voxel count
  flood.forEach([&](const Index3& voxel) {
    const std::size_t count = flood.fill(voxel, 1, member, [](const Index3&) {});
    if (count > 0) {
      components.emplace_back(voxel, count);
    }
  });
  std::size_t largest = 0;
  for (std::size_t index = 1; index < components.size(); ++index) {
    if (components[index].second > components[largest].second) {
      largest = index;
    }
  }
  for (std::size_t index = 0; index < components.size(); ++index) {
    if (remove(components[index].second, index == largest)) {
      flood.fill(components[index].first, 2, member,
                 [&](const Index3& voxel) { flood.value(voxel) = options.background; });
      ++report.componentsRemoved;
      report.voxelsRemoved += components[index].second;
    }
  }
}

template <typename TRemove>
ComponentReport pruneAll(LabelImage& labels, const ComponentOptions& options, TRemove remove) {
  ComponentReport report;
  const LabelBoxes boxes = boundingBoxes(labels, options.background);
  if (options.scope == ComponentScope::AllForeground) {
    if (!boxes.foreground.empty()) {
      const LabelValue background = options.background;
      pruneComponents(
          labels, boxes.foreground, options, [background](LabelValue value) { return value != background; }, remove,
          report);
    }
  } else {
    for (LabelValue label : labelsToProcess(boxes, options)) {
      pruneComponents(
          labels, boxes.perLabel[label], options, [label](LabelValue value) { return value == label; }, remove, report);
    }
  }
  labels.Modified();
  return report;
}

}  // namespace

ComponentReport keepLargestComponent(LabelImage& labels, const ComponentOptions& options) {
  const auto report = pruneAll(labels, options, [](std::size_t /*count*/, bool isLargest) { return !isLargest; });
  spdlog::debug("largest component kept: {} components ({} voxels) removed", report.componentsRemoved,
                report.voxelsRemoved);
  return report;
}

ComponentReport removeSmallComponents(LabelImage& labels, double minimumVolumeMm3, const ComponentOptions& options) {
  const auto spacing = labels.GetSpacing();
  const double voxelVolume = spacing[0] * spacing[1] * spacing[2];
  const auto report = pruneAll(labels, options, [&](std::size_t count, bool /*isLargest*/) {
    return static_cast<double>(count) * voxelVolume < minimumVolumeMm3;
  });
  spdlog::debug("components under {} mm3 removed: {} ({} voxels)", minimumVolumeMm3, report.componentsRemoved,
                report.voxelsRemoved);
  return report;
}

std::size_t fillHoles(LabelImage& labels, const ComponentOptions& options) {
  const LabelBoxes boxes = boundingBoxes(labels, options.background);
  std::size_t filled = 0;
  for (LabelValue label : labelsToProcess(boxes, options)) {
    // Outside the label's bounding box every voxel is connected to the image border without crossing
    // the label, so a non-label region reaches the border exactly when it reaches the box's border.
    BoxFlood flood(labels.GetBufferPointer(), sizeOf(labels), boxes.perLabel[label], options.connectivity);
    const auto outsideLabel = [label](LabelValue value) { return value != label; };
    flood.forEach([&](const Index3& voxel) {
      if (flood.onBoxBorder(voxel)) {
        flood.fill(voxel, 1, outsideLabel, [](const Index3&) {});
      }
    });
    flood.forEach([&](const Index3& voxel) {
      if (flood.mark(voxel) != 1 && flood.value(voxel) == options.background) {
        flood.value(voxel) = label;
        ++filled;
      }
    });
  }
  labels.Modified();
  spdlog::debug("holes filled: {} voxels", filled);
  return filled;
}

}  // namespace skipseg::postprocessing
