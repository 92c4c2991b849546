#include "skipseg/preprocessing/Normalization.h"

#include <algorithm>
#include <cmath>

#include "skipseg/core/Logging.h"

namespace skipseg::preprocessing {

namespace {

constexpr double kSmallestStd = 1e-8;  // a constant image maps to 0 instead of dividing by zero

struct Moments {
  double mean = 0;
  double std = 0;
  std::size_t count = 0;
};

/// Mean and population standard deviation (two passes: stable for CT-sized sums).
Moments moments(const float* values, std::size_t count, bool nonZeroOnly) {
  Moments result;
  double sum = 0;
  for (std::size_t index = 0; index < count; ++index) {
    if (!nonZeroOnly || values[index] != 0.0f) {
      sum += values[index];
      ++result.count;
    }
  }
  if (result.count == 0) {
    return result;
  }
  result.mean = sum / static_cast<double>(result.count);
  double squares = 0;
  for (std::size_t index = 0; index < count; ++index) {
    if (!nonZeroOnly || values[index] != 0.0f) {
      const double deviation = values[index] - result.mean;
      squares += deviation * deviation;
    }
  }
  result.std = std::sqrt(squares / static_cast<double>(result.count));
  return result;
}

void standardize(float* values, std::size_t count, double mean, double std, bool nonZeroOnly) {
  const double scale = 1.0 / std::max(std, kSmallestStd);
  for (std::size_t index = 0; index < count; ++index) {
    if (!nonZeroOnly || values[index] != 0.0f) {
      values[index] = static_cast<float>((values[index] - mean) * scale);
    }
  }
}

}  // namespace

void normalizeIntensities(float* values, std::size_t count, const NormalizationSpec& spec) {
  using Scheme = NormalizationSpec::Scheme;
  switch (spec.scheme) {
    case Scheme::None: spdlog::debug("normalisation: none"); return;
    case Scheme::ZScore: {
      const Moments stats = moments(values, count, spec.nonZeroRegionOnly);
      spdlog::debug("normalisation: z-score over {} voxels{}, mean {:.4g}, std {:.4g}", stats.count,
                    spec.nonZeroRegionOnly ? " (non-zero only)" : "", stats.mean, stats.std);
      standardize(values, count, stats.mean, stats.std, spec.nonZeroRegionOnly);
      return;
    }
    case Scheme::Ct: {
      spdlog::debug("normalisation: CT clip [{}, {}], mean {}, std {}", spec.clipLow, spec.clipHigh, spec.mean,
                    spec.std);
      const auto low = static_cast<float>(spec.clipLow);
      const auto high = static_cast<float>(spec.clipHigh);
      for (std::size_t index = 0; index < count; ++index) {
        values[index] = std::clamp(values[index], low, high);
      }
      standardize(values, count, spec.mean, spec.std, false);
      return;
    }
    case Scheme::Scale: {
      spdlog::debug("normalisation: scale [{}, {}] -> [{}, {}]{}", spec.aMin, spec.aMax, spec.bMin, spec.bMax,
                    spec.clip ? ", clipped" : "");
      const double factor = (spec.bMax - spec.bMin) / (spec.aMax - spec.aMin);
      const double low = std::min(spec.bMin, spec.bMax);
      const double high = std::max(spec.bMin, spec.bMax);
      for (std::size_t index = 0; index < count; ++index) {
        double value = (values[index] - spec.aMin) * factor + spec.bMin;
        if (spec.clip) {
          value = std::clamp(value, low, high);
        }
        values[index] = static_cast<float>(value);
      }
      return;
    }
  }
}

void normalizeIntensities(FloatImage& image, const NormalizationSpec& spec) {
  normalizeIntensities(image.GetBufferPointer(), image.GetBufferedRegion().GetNumberOfPixels(), spec);
  image.Modified();
}

}  // namespace skipseg::preprocessing
