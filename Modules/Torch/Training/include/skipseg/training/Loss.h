#pragma once
// The segmentation loss: soft Dice over the foreground classes plus cross-entropy, summed over the
// deep-supervision outputs with halving weights (the coarsest output gets none: at that scale the
// labels are too blocky to help), as nnU-Net does.
#include <ATen/core/Tensor.h>

#include <functional>
#include <vector>

namespace skipseg::training {

/// Sums the Dice statistics ([2, K]: intersections, totals) of this rank's samples over the ranks of a
/// data-parallel job (differentiably), so that the Dice is that of the global batch. Empty: one process.
using DiceStatisticsSum = std::function<at::Tensor(const at::Tensor&)>;

/// Soft Dice (1 - mean Dice of classes 1..K-1, computed over the whole batch) + cross-entropy.
/// logits [B, K, spatial...], target [B, spatial...] int64 with the same spatial size.
at::Tensor diceCrossEntropyLoss(const at::Tensor& logits, const at::Tensor& target,
                                const DiceStatisticsSum& sumOverRanks = {});

/// Weights for `scales` outputs, full resolution first: 1, 1/2, 1/4, ..., the last 0 (when scales > 1),
/// normalised to sum 1.
std::vector<double> deepSupervisionWeights(std::size_t scales);

/// Nearest-neighbour down-sampling of class indices [B, spatial...] to `spatialSize`.
at::Tensor downsampleLabels(const at::Tensor& target, at::IntArrayRef spatialSize);

/// Weighted sum of diceCrossEntropyLoss over the outputs (full resolution first); targets are
/// down-sampled to each output's size.
at::Tensor deepSupervisionLoss(const std::vector<at::Tensor>& outputs, const at::Tensor& target,
                               const DiceStatisticsSum& sumOverRanks = {});

/// Per foreground class (1..K-1) true positives, false positives and false negatives of the arg-max of
/// `logits` against `target`: [K-1, 3] int64 on the CPU. Summed over batches, they give the Dice.
at::Tensor confusionCounts(const at::Tensor& logits, const at::Tensor& target);

}  // namespace skipseg::training
