#include "skipseg/planning/PlanningRules.h"

#include "skipseg/core/Error.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>
#include <random>

namespace skipseg::planning {

double median(std::vector<double> values) {
  if (values.empty()) {
    throw internalError("median of no values");
  }
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

double percentile(std::vector<double> values, double percent) {
  if (values.empty()) {
    throw internalError("percentile of no values");
  }
  std::sort(values.begin(), values.end());
  const double position = std::clamp(percent, 0.0, 100.0) / 100.0 * static_cast<double>(values.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(position));
  const std::size_t upper = std::min(lower + 1, values.size() - 1);
  const double weight = position - static_cast<double>(lower);
  return values[lower] * (1.0 - weight) + values[upper] * weight;
}

std::array<double, 3> targetSpacing(const std::vector<std::array<double, 3>>& spacings,
                                    const std::vector<std::array<std::size_t, 3>>& sizes) {
  if (spacings.empty() || spacings.size() != sizes.size()) {
    throw internalError("target spacing needs one spacing and one size per case");
  }
  std::array<double, 3> target{};
  std::array<double, 3> medianSize{};
  std::array<std::vector<double>, 3> spacingPerAxis;
  for (std::size_t axis = 0; axis < 3; ++axis) {
    std::vector<double> sizesOnAxis;
    for (std::size_t c = 0; c < spacings.size(); ++c) {
      spacingPerAxis[axis].push_back(spacings[c][axis]);
      sizesOnAxis.push_back(static_cast<double>(sizes[c][axis]));
    }
    target[axis] = median(spacingPerAxis[axis]);
    medianSize[axis] = median(sizesOnAxis);
  }
  const auto worst = static_cast<std::size_t>(std::max_element(target.begin(), target.end()) - target.begin());
  double coarsestOther = 0, smallestOtherSize = 1e300;
  for (std::size_t axis = 0; axis < 3; ++axis) {
    if (axis != worst) {
      coarsestOther = std::max(coarsestOther, target[axis]);
      smallestOtherSize = std::min(smallestOtherSize, medianSize[axis]);
    }
  }
  const bool anisotropicSpacing = target[worst] > 3.0 * coarsestOther;
  const bool fewVoxelsAlongWorst = medianSize[worst] * 3.0 < smallestOtherSize;
  if (anisotropicSpacing && fewVoxelsAlongWorst) {
    // Thick slices: a low percentile keeps finer cases fine without inventing slices for all others.
    target[worst] = std::max(percentile(spacingPerAxis[worst], 10.0), coarsestOther);
  }
  return target;
}

std::array<std::size_t, 3> resampledSize(const std::array<std::size_t, 3>& size, const std::array<double, 3>& spacing,
                                         const std::array<double, 3>& target) {
  std::array<std::size_t, 3> result{};
  for (std::size_t axis = 0; axis < 3; ++axis) {
    const double extent = static_cast<double>(size[axis]) * spacing[axis];
    result[axis] = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(extent / target[axis])));
  }
  return result;
}

std::array<std::size_t, 3> medianResampledSize(const DatasetFingerprint& fingerprint,
                                               const std::array<double, 3>& target) {
  std::array<std::size_t, 3> result{};
  for (std::size_t axis = 0; axis < 3; ++axis) {
    std::vector<double> sizes;
    for (std::size_t c = 0; c < fingerprint.spacings.size(); ++c) {
      sizes.push_back(
          static_cast<double>(resampledSize(fingerprint.croppedSizes[c], fingerprint.spacings[c], target)[axis]));
    }
    result[axis] = static_cast<std::size_t>(std::lround(median(sizes)));
  }
  return result;
}

int NetworkTopology::totalPooling(std::size_t axis) const {
  int total = 1;
  for (const auto& stage : poolKernels) {
    total *= stage.at(axis);
  }
  return total;
}

NetworkTopology planTopology(const std::vector<double>& spacing, const std::vector<int>& patch, int minFeatureSize,
                             int maxStages) {
  const std::size_t dims = spacing.size();
  if (dims == 0 || patch.size() != dims) {
    throw internalError("topology needs one spacing and one patch size per axis");
  }
  NetworkTopology topology;
  std::vector<double> currentSpacing = spacing;
  std::vector<double> featureSize(patch.begin(), patch.end());
  std::vector<int> kernel(dims, 1);
  auto updateKernels = [&] {
    const double finest = *std::min_element(currentSpacing.begin(), currentSpacing.end());
    for (std::size_t a = 0; a < dims; ++a) {
      if (currentSpacing[a] <= 2.0 * finest) {
        kernel[a] = 3;  // once 3, stays 3: the axis has caught up with the others
      }
    }
  };
  updateKernels();
  topology.poolKernels.push_back(std::vector<int>(dims, 1));
  topology.convKernels.push_back(kernel);
  while (topology.stageCount() < maxStages) {
    const double finest = *std::min_element(currentSpacing.begin(), currentSpacing.end());
    std::vector<int> pool(dims, 1);
    bool anyPooled = false;
    for (std::size_t a = 0; a < dims; ++a) {
      if (featureSize[a] >= 2.0 * minFeatureSize && currentSpacing[a] <= 2.0 * finest) {
        pool[a] = 2;
        anyPooled = true;
      }
    }
    if (!anyPooled) {
      break;
    }
    for (std::size_t a = 0; a < dims; ++a) {
      currentSpacing[a] *= pool[a];
      featureSize[a] = std::floor(featureSize[a] / pool[a]);
    }
    updateKernels();
    topology.poolKernels.push_back(pool);
    topology.convKernels.push_back(kernel);
  }
  topology.patchSize.resize(dims);
  for (std::size_t a = 0; a < dims; ++a) {
    const int multiple = topology.totalPooling(a);
    topology.patchSize[a] = std::max(multiple, (patch[a] + multiple - 1) / multiple * multiple);
  }
  return topology;
}

double estimateTrainingBytesPerSample(const NetworkTopology& topology, int inChannels, int classCount, int baseFeatures,
                                      int maxFeatures) {
  const std::size_t dims = topology.patchSize.size();
  std::vector<double> voxelsPerAxis(topology.patchSize.begin(), topology.patchSize.end());
  double activations = 0;
  for (int stage = 0; stage < topology.stageCount(); ++stage) {
    double voxels = 1;
    for (std::size_t a = 0; a < dims; ++a) {
      voxelsPerAxis[a] /= topology.poolKernels[stage][a];
      voxels *= voxelsPerAxis[a];
    }
    const double features = std::min<double>(baseFeatures * std::pow(2.0, stage), maxFeatures);
    const bool bottleneck = stage == topology.stageCount() - 1;
    // Kept for backward per stage: encoder 2 x (conv, norm, activation); decoder the same plus the
    // up-sampled and concatenated inputs.
    const double tensorsPerVoxel = bottleneck ? 6.0 : 6.0 + 9.0;
    activations += features * voxels * tensorsPerVoxel;
  }
  double inputVoxels = 1;
  for (int size : topology.patchSize) {
    inputVoxels *= size;
  }
  activations += inputVoxels * (inChannels + 3.0 * classCount);
  return activations * 4.0;  // float32
}

PatchPlan planPatchAndBatch(const PatchPlanInput& input) {
  const std::size_t dims = input.spacing.size();
  if (dims < 2 || dims > 3 || input.medianSize.size() != dims) {
    throw internalError("patch planning needs 2 or 3 axes");
  }
  // A patch isotropic in millimetres with the voxel count of 256^3 (3D) or 2048^2 (2D), clipped to the median case.
  const double voxelsPerAxis = dims == 3 ? 256.0 : 2048.0;
  double logMeanSpacing = 0;
  for (double s : input.spacing) {
    logMeanSpacing += std::log(s) / static_cast<double>(dims);
  }
  std::vector<int> patch(dims);
  for (std::size_t a = 0; a < dims; ++a) {
    const double wanted = voxelsPerAxis * std::exp(logMeanSpacing) / input.spacing[a];
    patch[a] = std::max(1, std::min(input.medianSize[a], static_cast<int>(std::lround(wanted))));
  }
  NetworkTopology topology = planTopology(input.spacing, patch, input.minFeatureSize);
  auto bytesFor = [&](const NetworkTopology& t) {
    return estimateTrainingBytesPerSample(t, input.inChannels, input.classCount, input.baseFeatures, input.maxFeatures);
  };
  while (bytesFor(topology) * input.minBatchSize > input.memoryBudgetBytes) {
    // Shrink the axis that covers the most of the median case, by its pooling multiple.
    int axisToShrink = -1;
    double largestRatio = 0;
    for (std::size_t a = 0; a < dims; ++a) {
      const int step = topology.totalPooling(a);
      const double ratio = static_cast<double>(topology.patchSize[a]) / std::max(1, input.medianSize[a]);
      const bool longerOnTie = axisToShrink >= 0 && ratio == largestRatio &&
                               topology.patchSize[a] > topology.patchSize[static_cast<std::size_t>(axisToShrink)];
      if (topology.patchSize[a] - step >= 2 * input.minFeatureSize && (ratio > largestRatio || longerOnTie)) {
        largestRatio = ratio;
        axisToShrink = static_cast<int>(a);
      }
    }
    if (axisToShrink < 0) {
      break;  // as small as the topology allows; the batch size below stays at its minimum
    }
    patch = topology.patchSize;
    patch[axisToShrink] -= topology.totalPooling(axisToShrink);
    topology = planTopology(input.spacing, patch, input.minFeatureSize);
  }
  PatchPlan plan;
  plan.topology = topology;
  const double perSample = bytesFor(topology);
  int batch = static_cast<int>(std::floor(input.memoryBudgetBytes / perSample));
  double patchVoxels = 1;
  for (int size : topology.patchSize) {
    patchVoxels *= size;
  }
  if (input.datasetVoxels > 0) {
    // One batch should not see more than 5% of the dataset: more only repeats the same voxels.
    batch =
        std::min(batch, static_cast<int>(std::floor(0.05 * static_cast<double>(input.datasetVoxels) / patchVoxels)));
  }
  plan.batchSize = std::clamp(batch, input.minBatchSize, input.maxBatchSize);
  return plan;
}

std::vector<NormalizationSpec> planNormalization(const DatasetFingerprint& fingerprint) {
  std::vector<NormalizationSpec> specs;
  const bool croppingRemovedMuch =
      !fingerprint.croppedVolumeFractions.empty() && median(fingerprint.croppedVolumeFractions) < 0.75;
  for (std::size_t c = 0; c < fingerprint.channelNames.size(); ++c) {
    std::string name = fingerprint.channelNames[c];
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
    NormalizationSpec spec;
    if (name == "ct" && c < fingerprint.intensities.size()) {
      const auto& stats = fingerprint.intensities[c];
      spec.scheme = NormalizationSpec::Scheme::Ct;
      spec.clipLow = stats.percentile00_5;
      spec.clipHigh = stats.percentile99_5;
      spec.mean = stats.mean;
      spec.std = std::max(stats.std, 1e-8);
    } else {
      spec.scheme = NormalizationSpec::Scheme::ZScore;
      spec.nonZeroRegionOnly = croppingRemovedMuch;
    }
    specs.push_back(spec);
  }
  return specs;
}

std::vector<Fold> splitFolds(std::vector<std::string> caseIds, int foldCount, std::uint64_t seed) {
  std::sort(caseIds.begin(), caseIds.end());
  if (caseIds.size() < 2) {
    // One case cannot be split: train and validate on it (a demonstration, not a validation).
    return {Fold{caseIds, caseIds}};
  }
  foldCount = std::clamp(foldCount, 2, static_cast<int>(caseIds.size()));
  // Fisher-Yates with an explicit draw: std::shuffle's algorithm differs between standard libraries.
  std::mt19937_64 generator(seed);
  for (std::size_t i = caseIds.size() - 1; i > 0; --i) {
    const std::size_t j = static_cast<std::size_t>(generator() % (i + 1));
    std::swap(caseIds[i], caseIds[j]);
  }
  std::vector<Fold> folds(static_cast<std::size_t>(foldCount));
  for (std::size_t i = 0; i < caseIds.size(); ++i) {
    for (std::size_t k = 0; k < folds.size(); ++k) {
      (i % folds.size() == k ? folds[k].validation : folds[k].training).push_back(caseIds[i]);
    }
  }
  for (auto& fold : folds) {
    std::sort(fold.training.begin(), fold.training.end());
    std::sort(fold.validation.begin(), fold.validation.end());
  }
  return folds;
}

}  // namespace skipseg::planning
