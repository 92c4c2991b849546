// On a GPU: every architecture runs forward and backward, and agrees with the CPU. Skipped where
// CUDA is not available (run on the GPU machines).
#include "NetworkTestHelpers.h"
#include "skipseg/nn/SegmentationNetwork.h"

#include <ATen/Context.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/cuda.h>

namespace skipseg::nn {
namespace {

using testing::builtInArchitectures;
using testing::smallConfiguration;

TEST(NetworksCuda, ForwardBackwardAgreeWithTheCpu) {
  if (!torch::cuda::is_available()) {
    GTEST_SKIP() << "CUDA is not available";
  }
  // TF32 would make GPU results differ from the CPU's by ~1e-3 relative: compare full precision.
  at::globalContext().setAllowTF32CuDNN(false);
  at::globalContext().setAllowTF32CuBLAS(false);
  for (const auto& name : builtInArchitectures()) {
    for (const int dims : {2, 3}) {
      auto configuration = smallConfiguration(name, dims, 16);
      auto cpu = createNetwork(configuration);
      auto gpu = createNetwork(configuration);
      gpu->to(torch::kCUDA);
      std::vector<int64_t> shape{2, 2};
      shape.insert(shape.end(), dims, 16);
      const auto input = torch::randn(shape);
      cpu->eval();
      gpu->eval();
      torch::Tensor cpuOutput, gpuOutput;
      {
        torch::NoGradGuard noGradients;
        cpuOutput = cpu->forward(input);
        gpuOutput = gpu->forward(input.to(torch::kCUDA)).cpu();
      }
      EXPECT_TRUE(torch::allclose(cpuOutput, gpuOutput, 1e-3, 1e-3))
          << name << dims << "D: max difference " << (cpuOutput - gpuOutput).abs().max().item<double>();
      gpu->train();
      // Every head (UNet++'s top row too) takes part in training, so every parameter gets a gradient.
      torch::Tensor loss = torch::zeros({}, torch::kCUDA);
      for (const auto& output : gpu->forwardDeepSupervision(input.to(torch::kCUDA))) {
        loss = loss + output.square().mean();
      }
      loss.backward();
      for (const auto& parameter : gpu->parameters()) {
        ASSERT_TRUE(parameter.grad().defined()) << name;
        EXPECT_TRUE(parameter.grad().is_cuda());
        EXPECT_TRUE(parameter.grad().isfinite().all().item<bool>()) << name;
      }
    }
  }
}

}  // namespace
}  // namespace skipseg::nn
