#pragma once
// A small fully convolutional network for training tests: three 3x3(x3) convolutions and a second,
// half-resolution head so that deep supervision is exercised. Real architectures live in Networks.
#include "skipseg/nn/SegmentationNetwork.h"
#include "skipseg/training/TrainingCase.h"

#include <torch/nn/modules/conv.h>

#include <memory>
#include <vector>

namespace skipseg::training::testing {

class TinyNetwork : public nn::SegmentationNetwork {
 public:
  TinyNetwork(int dims, int inChannels, int classes, int features = 8);
  torch::Tensor forward(const torch::Tensor& input) override;
  std::vector<torch::Tensor> forwardDeepSupervision(const torch::Tensor& input) override;
  nlohmann::json configuration() const override;

 private:
  torch::Tensor features(const torch::Tensor& input);
  int dims_, inChannels_, classes_, features_;
  std::vector<std::shared_ptr<torch::nn::Module>> layers_;
  std::function<torch::Tensor(const torch::Tensor&)> conv1_, conv2_, head_, coarseHead_;
};

/// Cases of `size`^3 voxels: a noisy background with a bright ball (class 1) and a darker block
/// (class 2) at positions that vary with the case index.
std::vector<TrainingCase> syntheticCases(int count, int size, std::uint64_t seed);

}  // namespace skipseg::training::testing
