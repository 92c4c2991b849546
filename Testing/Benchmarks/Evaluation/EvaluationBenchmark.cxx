// Cost of the per-label metrics on a CT-sized grid: one large structure (surface distances dominate,
// two Maurer distance maps over its bounding box) and many small ones (the single counting pass
// dominates), next to the floor of one pass over both label buffers.
#include "skipseg/evaluation/SegmentationMetrics.h"

#include <benchmark/benchmark.h>

#include <cmath>

namespace {

using skipseg::evaluation::LabelImage;

LabelImage::Pointer grid(unsigned size) {
  auto image = LabelImage::New();
  LabelImage::RegionType region;
  region.SetSize({{size, size, size / 2}});
  image->SetRegions(region);
  LabelImage::SpacingType spacing;
  spacing[0] = spacing[1] = 0.8;
  spacing[2] = 1.5;
  image->SetSpacing(spacing);
  image->Allocate(true);
  return image;
}

// Balls of `radius` voxels (in-plane) on a regular lattice, labels 1..count, shifted by `shift` voxels.
void paintBalls(LabelImage& image, int count, double radius, long shift) {
  const auto size = image.GetLargestPossibleRegion().GetSize();
  const int perRow = static_cast<int>(std::ceil(std::sqrt(count)));
  for (int label = 1; label <= count; ++label) {
    const double cx = (static_cast<double>((label - 1) % perRow) + 0.5) * size[0] / perRow + shift;
    const double cy = (static_cast<double>((label - 1) / perRow) + 0.5) * size[1] / perRow;
    const double cz = size[2] / 2.0;
    for (long k = 0; k < static_cast<long>(size[2]); ++k) {
      for (long j = static_cast<long>(cy - radius); j <= static_cast<long>(cy + radius); ++j) {
        for (long i = static_cast<long>(cx - radius); i <= static_cast<long>(cx + radius); ++i) {
          const double dz = (k - cz) * 1.5 / 0.8;
          if (i >= 0 && j >= 0 && i < static_cast<long>(size[0]) && j < static_cast<long>(size[1]) &&
              (i - cx) * (i - cx) + (j - cy) * (j - cy) + dz * dz <= radius * radius) {
            image.SetPixel({{i, j, k}}, static_cast<unsigned short>(label));
          }
        }
      }
    }
  }
}

void compare(benchmark::State& state, int labels, double radius) {
  auto reference = grid(256);
  auto prediction = grid(256);
  paintBalls(*reference, labels, radius, 0);
  paintBalls(*prediction, labels, radius, 2);
  for (auto _ : state) {
    benchmark::DoNotOptimize(skipseg::evaluation::compareLabels(*reference, *prediction, {}));
  }
  state.SetLabel(std::to_string(labels) + " labels, 256x256x128");
}

void OneLargeStructure(benchmark::State& state) {
  compare(state, 1, 80.0);
}
void HundredSmallStructures(benchmark::State& state) {
  compare(state, 100, 8.0);
}

// The floor: reading both buffers once.
void OnePassOverBothBuffers(benchmark::State& state) {
  auto reference = grid(256);
  auto prediction = grid(256);
  paintBalls(*reference, 1, 80.0, 0);
  const std::size_t count = reference->GetLargestPossibleRegion().GetNumberOfPixels();
  for (auto _ : state) {
    std::size_t equal = 0;
    const auto* a = reference->GetBufferPointer();
    const auto* b = prediction->GetBufferPointer();
    for (std::size_t index = 0; index < count; ++index) {
      equal += a[index] == b[index];
    }
    benchmark::DoNotOptimize(equal);
  }
}

BENCHMARK(OneLargeStructure)->Unit(benchmark::kMillisecond);
BENCHMARK(HundredSmallStructures)->Unit(benchmark::kMillisecond);
BENCHMARK(OnePassOverBothBuffers)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
