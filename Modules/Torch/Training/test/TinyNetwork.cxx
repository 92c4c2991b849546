#include "TinyNetwork.h"

#include <ATen/ATen.h>

#include <random>

namespace skipseg::training::testing {

TinyNetwork::TinyNetwork(int dims, int inChannels, int classes, int features)
    : dims_(dims), inChannels_(inChannels), classes_(classes), features_(features) {
  auto add = [&](const std::string& name, int in, int out,
                 int kernel) -> std::function<torch::Tensor(const torch::Tensor&)> {
    if (dims_ == 3) {
      auto conv =
          register_module(name, torch::nn::Conv3d(torch::nn::Conv3dOptions(in, out, kernel).padding(kernel / 2)));
      return [conv](const torch::Tensor& x) mutable { return conv->forward(x); };
    }
    auto conv = register_module(name, torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).padding(kernel / 2)));
    return [conv](const torch::Tensor& x) mutable { return conv->forward(x); };
  };
  conv1_ = add("conv1", inChannels, features, 3);
  conv2_ = add("conv2", features, features, 3);
  head_ = add("head", features, classes, 1);
  coarseHead_ = add("coarse_head", features, classes, 1);
}

torch::Tensor TinyNetwork::features(const torch::Tensor& input) {
  return at::leaky_relu(conv2_(at::leaky_relu(conv1_(input), 0.01)), 0.01);
}

torch::Tensor TinyNetwork::forward(const torch::Tensor& input) {
  return head_(features(input));
}

std::vector<torch::Tensor> TinyNetwork::forwardDeepSupervision(const torch::Tensor& input) {
  const torch::Tensor shared = features(input);
  const torch::Tensor coarse = dims_ == 3 ? at::avg_pool3d(shared, {2, 2, 2}) : at::avg_pool2d(shared, {2, 2});
  return {head_(shared), coarseHead_(coarse),
          coarseHead_(dims_ == 3 ? at::avg_pool3d(coarse, {2, 2, 2}) : at::avg_pool2d(coarse, {2, 2}))};
}

nlohmann::json TinyNetwork::configuration() const {
  return {{"architecture", "tiny_test_network"},
          {"spatial_dims", dims_},
          {"in_channels", inChannels_},
          {"num_classes", classes_},
          {"features", features_}};
}

std::vector<TrainingCase> syntheticCases(int count, int size, std::uint64_t seed) {
  std::vector<TrainingCase> cases;
  std::mt19937_64 generator(seed);
  std::normal_distribution<float> noise(0.0f, 0.3f);
  for (int n = 0; n < count; ++n) {
    TrainingCase trainingCase;
    trainingCase.id = "case" + std::to_string(n);
    trainingCase.shape = {size, size, size};
    trainingCase.image.resize(static_cast<std::size_t>(size * size * size));
    trainingCase.labels.resize(trainingCase.image.size());
    const double cz = size * (0.3 + 0.1 * (n % 3)), cy = size * (0.35 + 0.05 * (n % 4)), cx = size * 0.4;
    const double radius = size * 0.2;
    const int blockStart = size / 2 + n % 3;
    for (int z = 0; z < size; ++z) {
      for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
          const std::size_t v = static_cast<std::size_t>((z * size + y) * size + x);
          const double d2 = (z - cz) * (z - cz) + (y - cy) * (y - cy) + (x - cx) * (x - cx);
          std::uint8_t label = 0;
          if (d2 < radius * radius) {
            label = 1;
          } else if (z >= blockStart && y >= blockStart && x >= size / 4 && x < size * 3 / 4 && z < size - 2 &&
                     y < size - 2) {
            label = 2;
          }
          trainingCase.labels[v] = label;
          trainingCase.image[v] = (label == 1 ? 2.0f : label == 2 ? -1.5f : 0.0f) + noise(generator);
        }
      }
    }
    cases.push_back(std::move(trainingCase));
  }
  return cases;
}

}  // namespace skipseg::training::testing
