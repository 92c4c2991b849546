// --device / --precision / --threads: what users type, and the one-line errors they get.
#include "skipseg/inference/ComputeSettings.h"

#include "skipseg/core/Error.h"

#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <torch/cuda.h>

namespace skipseg::inference {
namespace {

ExitCode codeOf(const std::function<void()>& action, std::string* message = nullptr) {
  try {
    action();
  } catch (const Error& error) {
    if (message)
      *message = error.what();
    return error.code();
  }
  return ExitCode::Ok;
}

TEST(ComputeSettings, CpuAndAutoResolve) {
  EXPECT_TRUE(resolveDevice("cpu").is_cpu());
  EXPECT_EQ(resolveDevice("auto").is_cuda(), torch::cuda::is_available());
}

TEST(ComputeSettings, GpuDeviceWithoutAGpuIsAClearUnsupportedError) {
  if (torch::cuda::is_available()) {
    GTEST_SKIP() << "this machine has CUDA";
  }
  for (const std::string device : {"cuda", "cuda:1"}) {
    std::string message;
    EXPECT_EQ(codeOf([&] { resolveDevice(device); }, &message), ExitCode::Unsupported);
    EXPECT_NE(message.find("device " + device + ": CUDA is not available"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos);
  }
}

TEST(ComputeSettings, CudaDeviceResolvesWhenPresent) {
  if (!torch::cuda::is_available()) {
    GTEST_SKIP() << "no CUDA device";
  }
  EXPECT_EQ(resolveDevice("cuda"), c10::Device(c10::kCUDA, 0));
  EXPECT_EQ(resolveDevice("cuda:0"), c10::Device(c10::kCUDA, 0));
  EXPECT_EQ(codeOf([] { resolveDevice("cuda:99"); }), ExitCode::Unsupported);
}

TEST(ComputeSettings, MalformedDevicesAreUsageErrors) {
  for (const std::string device : {"gpu", "cuda:", "cuda:x", "CPU", ""}) {
    EXPECT_EQ(codeOf([&] { resolveDevice(device); }), ExitCode::Usage) << device;
  }
}

TEST(ComputeSettings, PrecisionNamesAndDevices) {
  const c10::Device cpu(c10::kCPU);
  EXPECT_EQ(resolvePrecision("float32", cpu), c10::kFloat);
  EXPECT_EQ(resolvePrecision("bfloat16", cpu), c10::kBFloat16);
  EXPECT_EQ(resolvePrecision("float16", c10::Device(c10::kCUDA, 0)), c10::kHalf);
  std::string message;
  EXPECT_EQ(codeOf([&] { resolvePrecision("float16", cpu); }, &message), ExitCode::Unsupported);
  EXPECT_NE(message.find("float16 needs a CUDA device"), std::string::npos);
  EXPECT_EQ(codeOf([&] { resolvePrecision("fp16", cpu); }), ExitCode::Usage);
  EXPECT_EQ(precisionName(c10::kBFloat16), "bfloat16");
}

TEST(ComputeSettings, ThreadCountIsAppliedToLibTorch) {
  EXPECT_EQ(applyThreadCount(1), 1);
  EXPECT_EQ(at::get_num_threads(), 1);
  EXPECT_GE(applyThreadCount(0), 1);
  EXPECT_EQ(at::get_num_threads(), applyThreadCount(0));
}

}  // namespace
}  // namespace skipseg::inference
