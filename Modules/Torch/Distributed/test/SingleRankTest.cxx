// A job of one rank over Gloo on loopback: the collectives and the gradient averaging leave a single
// process's values exactly as they were (sums over one rank, averages over one rank), and the gradient
// through differentiableSumAcrossRanks is the plain gradient. Multi-rank jobs are tested through
// skipseg-train (Modules/Programs/Train/test/DistributedTrainingTest.cxx).
#include "skipseg/core/Error.h"
#include "skipseg/distributed/Communicator.h"
#include "skipseg/distributed/GradientAverager.h"
#include "skipseg/testing/FreePort.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

namespace skipseg::distributed {
namespace {

std::shared_ptr<Communicator> soloGloo() {
  if (!backendAvailable("gloo")) {
    return nullptr;
  }
  LaunchEnvironment environment;
  environment.masterPort = testing::freeTcpPort();
  CommunicatorOptions options;
  options.timeout = std::chrono::seconds(20);
  return Communicator::connect(environment, options);
}

// Gloo is compiled in exactly when CMake found its headers (Debian: libgloo-dev); the other tests need it.
TEST(Distributed, GlooIsAvailableWhenItsHeadersWereFound) {
  EXPECT_EQ(backendAvailable("gloo"), SKIPSEG_GLOO_HEADERS_FOUND != 0);
}

TEST(Distributed, OneRankKeepsItsValues) {
  auto communicator = soloGloo();
  if (!communicator) {
    GTEST_SKIP() << "no Gloo in this build";
  }
  EXPECT_EQ(communicator->rank(), 0);
  EXPECT_EQ(communicator->worldSize(), 1);
  at::Tensor values = at::arange(5, at::kFloat);
  communicator->allreduceSum(values);
  EXPECT_TRUE(values.equal(at::arange(5, at::kFloat)));
  communicator->broadcast({values});
  EXPECT_TRUE(values.equal(at::arange(5, at::kFloat)));
  communicator->barrier("test");
}

TEST(Distributed, AveragedGradientsOfOneRankAreThePlainGradients) {
  auto communicator = soloGloo();
  if (!communicator) {
    GTEST_SKIP() << "no Gloo in this build";
  }
  at::manual_seed(3);
  // Three parameters in two buckets (small bucket size), so the ordered start of buckets is exercised.
  std::vector<at::Tensor> parameters{at::randn({4, 3}).requires_grad_(), at::randn({3}).requires_grad_(),
                                     at::randn({2, 2}).requires_grad_()};
  const at::Tensor input = at::randn({5, 4});
  auto loss = [&] {
    const at::Tensor hidden = at::relu(at::matmul(input, parameters[0]) + parameters[1]);
    return hidden.sum() * parameters[2].sum();
  };
  loss().backward();
  std::vector<at::Tensor> expected;
  for (auto& parameter : parameters) {
    expected.push_back(parameter.grad().clone());
    parameter.mutable_grad().zero_();
  }
  GradientAverager averager(communicator, parameters, 16);
  EXPECT_EQ(averager.bucketCount(), 3u);
  for (int repeat = 0; repeat < 2; ++repeat) {  // the buckets reset between iterations
    for (auto& parameter : parameters) {
      parameter.mutable_grad().zero_();
    }
    loss().backward();
    averager.finish();
    for (std::size_t k = 0; k < parameters.size(); ++k) {
      EXPECT_TRUE(parameters[k].grad().equal(expected[k])) << "parameter " << k;
    }
  }
}

TEST(Distributed, SumAcrossOneRankPassesTheGradientThrough) {
  auto communicator = soloGloo();
  if (!communicator) {
    GTEST_SKIP() << "no Gloo in this build";
  }
  const at::Tensor x = at::tensor({1.0f, 2.0f, 3.0f}).requires_grad_();
  const at::Tensor y = differentiableSumAcrossRanks(x * x, *communicator);
  EXPECT_TRUE(y.detach().equal(at::tensor({1.0f, 4.0f, 9.0f})));
  y.sum().backward();
  EXPECT_TRUE(x.grad().equal(at::tensor({2.0f, 4.0f, 6.0f})));
}

// On a GPU machine with a LibTorch built with NCCL (Pipelines/gpu-check.sh runs it): one rank over NCCL, CUDA
// tensors and CPU values alike. Not yet run: no GPU session has had this code.
TEST(Distributed, NcclWorldSizeOne) {
  if (!backendAvailable("nccl") || !at::hasCUDA()) {
    GTEST_SKIP() << "no NCCL in this build or no CUDA device";
  }
  LaunchEnvironment environment;
  environment.masterPort = testing::freeTcpPort();
  CommunicatorOptions options;
  options.backend = "nccl";
  options.timeout = std::chrono::seconds(60);
  auto communicator = Communicator::connect(environment, options);
  at::Tensor onGpu = at::arange(5, at::TensorOptions().dtype(at::kFloat).device(at::kCUDA));
  communicator->allreduceSum(onGpu);
  EXPECT_TRUE(onGpu.cpu().equal(at::arange(5, at::kFloat)));
  at::Tensor onCpu = at::arange(3, at::kDouble);
  communicator->allreduceSum(onCpu);
  EXPECT_TRUE(onCpu.equal(at::arange(3, at::kDouble)));
  std::vector<at::Tensor> parameters{at::randn({4, 3}, at::kCUDA).requires_grad_()};
  GradientAverager averager(communicator, parameters);
  (parameters[0] * parameters[0]).sum().backward();
  averager.finish();
  EXPECT_TRUE(parameters[0].grad().equal(2 * parameters[0].detach()));
}

TEST(Distributed, UnknownBackendIsAUsageError) {
  LaunchEnvironment environment;
  CommunicatorOptions options;
  options.backend = "mpi";
  try {
    Communicator::connect(environment, options);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::Usage);
    EXPECT_NE(std::string(error.what()).find("\"mpi\""), std::string::npos);
  }
}

}  // namespace
}  // namespace skipseg::distributed
