#include "skipseg/training/Loss.h"

#include "skipseg/core/Error.h"

#include <ATen/ATen.h>

#include <cmath>

namespace skipseg::training {

at::Tensor diceCrossEntropyLoss(const at::Tensor& logits, const at::Tensor& target,
                                const DiceStatisticsSum& sumOverRanks) {
  const int64_t classes = logits.size(1);
  const at::Tensor logitsFloat = logits.to(at::kFloat);
  const at::Tensor crossEntropy = at::cross_entropy_loss(logitsFloat, target);
  const at::Tensor probabilities = at::softmax(logitsFloat, 1);
  // One-hot in channels-first layout: [B, spatial..., K] -> [B, K, spatial...].
  std::vector<int64_t> order{0, logits.dim() - 1};
  for (int64_t axis = 1; axis < logits.dim() - 1; ++axis) {
    order.push_back(axis);
  }
  const at::Tensor oneHot = at::one_hot(target, classes).permute(order).to(at::kFloat);
  std::vector<int64_t> reduce{0};
  for (int64_t axis = 2; axis < logits.dim(); ++axis) {
    reduce.push_back(axis);
  }
  at::Tensor intersection = (probabilities * oneHot).sum(reduce);
  at::Tensor total = probabilities.sum(reduce) + oneHot.sum(reduce);
  if (sumOverRanks) {
    const at::Tensor sums = sumOverRanks(at::stack({intersection, total}));
    intersection = sums[0];
    total = sums[1];
  }
  const at::Tensor dice = (2.0 * intersection + 1e-5) / (total + 1e-5);
  const at::Tensor foregroundDice = classes > 1 ? dice.slice(0, 1).mean() : dice.mean();
  return crossEntropy + (1.0 - foregroundDice);
}

std::vector<double> deepSupervisionWeights(std::size_t scales) {
  std::vector<double> weights(scales, 0.0);
  double sum = 0;
  for (std::size_t s = 0; s < scales; ++s) {
    weights[s] = (scales > 1 && s == scales - 1) ? 0.0 : std::pow(0.5, static_cast<double>(s));
    sum += weights[s];
  }
  for (auto& weight : weights) {
    weight /= sum;
  }
  return weights;
}

at::Tensor downsampleLabels(const at::Tensor& target, at::IntArrayRef spatialSize) {
  at::Tensor result = target;
  for (int64_t axis = 0; axis < static_cast<int64_t>(spatialSize.size()); ++axis) {
    const int64_t from = target.size(axis + 1), to = spatialSize[static_cast<std::size_t>(axis)];
    if (from == to) {
      continue;
    }
    // Voxel i of the output takes input voxel floor(i * from / to): nearest with the half-pixel
    // convention of a strided pooling.
    const at::Tensor indices =
        at::floor(at::arange(to, at::TensorOptions().dtype(at::kDouble)) * (static_cast<double>(from) / to))
            .to(at::kLong)
            .to(target.device());
    result = result.index_select(axis + 1, indices);
  }
  return result;
}

at::Tensor deepSupervisionLoss(const std::vector<at::Tensor>& outputs, const at::Tensor& target,
                               const DiceStatisticsSum& sumOverRanks) {
  if (outputs.empty()) {
    throw internalError("deep supervision loss without outputs");
  }
  const auto weights = deepSupervisionWeights(outputs.size());
  at::Tensor loss;
  for (std::size_t s = 0; s < outputs.size(); ++s) {
    if (weights[s] == 0.0) {
      continue;
    }
    const at::Tensor scaled = downsampleLabels(target, outputs[s].sizes().slice(2));
    const at::Tensor term = diceCrossEntropyLoss(outputs[s], scaled, sumOverRanks) * weights[s];
    loss = loss.defined() ? loss + term : term;
  }
  return loss;
}

at::Tensor confusionCounts(const at::Tensor& logits, const at::Tensor& target) {
  const int64_t classes = logits.size(1);
  const at::Tensor predicted = logits.argmax(1);
  at::Tensor counts = at::zeros({std::max<int64_t>(classes - 1, 0), 3}, at::kLong);
  for (int64_t c = 1; c < classes; ++c) {
    const at::Tensor isPredicted = predicted == c, isTrue = target == c;
    counts[c - 1][0] = (isPredicted & isTrue).sum().cpu();
    counts[c - 1][1] = (isPredicted & ~isTrue).sum().cpu();
    counts[c - 1][2] = (~isPredicted & isTrue).sum().cpu();
  }
  return counts;
}

}  // namespace skipseg::training
