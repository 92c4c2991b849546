// Saving a network and loading it into a fresh instance built from configuration() restores every
// parameter and buffer bit for bit; the seed alone decides the initial weights.
#include "NetworkTestHelpers.h"
#include "skipseg/nn/SegmentationNetwork.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <gtest/gtest.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/nn/functional/loss.h>
#include <torch/optim/adam.h>
#include <torch/serialize.h>

namespace skipseg::nn {
namespace {

using testing::builtInArchitectures;
using testing::smallConfiguration;

void expectIdenticalState(torch::nn::Module& a, torch::nn::Module& b) {
  const auto parametersA = a.named_parameters();
  const auto parametersB = b.named_parameters();
  ASSERT_EQ(parametersA.size(), parametersB.size());
  for (const auto& item : parametersA) {
    const auto* other = parametersB.find(item.key());
    ASSERT_NE(other, nullptr) << item.key();
    EXPECT_TRUE(torch::equal(item.value(), *other)) << item.key();
  }
  const auto buffersA = a.named_buffers();
  const auto buffersB = b.named_buffers();
  ASSERT_EQ(buffersA.size(), buffersB.size());
  for (const auto& item : buffersA) {
    const auto* other = buffersB.find(item.key());
    ASSERT_NE(other, nullptr) << item.key();
    EXPECT_TRUE(torch::equal(item.value(), *other)) << item.key();
  }
}

TEST(Serialization, SaveAndLoadIsBitIdenticalForEveryArchitecture) {
  skipseg::testing::TemporaryDirectory folder;
  for (const auto& name : builtInArchitectures()) {
    for (const int dims : {2, 3}) {
      auto configuration = smallConfiguration(name, dims, 8);
      configuration["norm"] = "batch";  // running statistics are buffers that must survive too
      auto original = createNetwork(configuration);
      // One training step moves weights and running statistics away from their initial values.
      std::vector<int64_t> shape{2, 2};
      shape.insert(shape.end(), dims, 8);
      const auto input = torch::randn(shape);
      torch::optim::Adam optimizer(original->parameters(), torch::optim::AdamOptions(1e-2));
      original->train();
      original->forward(input).square().mean().backward();
      optimizer.step();

      const auto path = folder.file(name + std::to_string(dims) + ".pt");
      torch::save(original, path);
      // A different seed, so loading must overwrite every value.
      auto rebuiltConfiguration = original->configuration();
      rebuiltConfiguration["seed"] = 99;
      auto reloaded = createNetwork(rebuiltConfiguration);
      torch::load(reloaded, path);
      expectIdenticalState(*original, *reloaded);

      original->eval();
      reloaded->eval();
      torch::NoGradGuard noGradients;
      EXPECT_TRUE(torch::equal(original->forward(input), reloaded->forward(input))) << name << dims;
    }
  }
}

TEST(Serialization, SameSeedSameWeightsOtherSeedOtherWeights) {
  for (const auto& name : builtInArchitectures()) {
    auto configuration = smallConfiguration(name, 3, 8);
    torch::manual_seed(1);
    auto first = createNetwork(configuration);
    torch::manual_seed(2);  // the global generator must not matter
    auto second = createNetwork(configuration);
    expectIdenticalState(*first, *second);

    configuration["seed"] = 8;
    auto other = createNetwork(configuration);
    int64_t differing = 0;
    const auto otherParameters = other->named_parameters();
    for (const auto& item : first->named_parameters()) {
      differing += torch::equal(item.value(), *otherParameters.find(item.key())) ? 0 : 1;
    }
    // Every randomly initialised tensor (kernels, dense weights, position embeddings) differs.
    int64_t random = 0;
    for (const auto& item : first->named_parameters()) {
      random += item.value().dim() >= 2 ? 1 : 0;
    }
    EXPECT_EQ(differing, random) << name;
  }
}

}  // namespace
}  // namespace skipseg::nn
