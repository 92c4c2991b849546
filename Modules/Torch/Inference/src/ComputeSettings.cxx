#include "skipseg/inference/ComputeSettings.h"

#include "skipseg/core/Error.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include <cctype>
#include <thread>

namespace skipseg::inference {

c10::Device resolveDevice(const std::string& text) {
  if (text == "cpu") {
    return c10::Device(c10::kCPU);
  }
  if (text == "auto") {
    return torch::cuda::is_available() ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
  }
  const std::string prefix = "cuda:";
  const bool indexed = text.compare(0, prefix.size(), prefix) == 0 && text.size() > prefix.size();
  if (text != "cuda" && !indexed) {
    throw usageError("unknown device \"" + text + "\" (auto, cpu, cuda or cuda:N)");
  }
  int index = 0;
  if (indexed) {
    const std::string digits = text.substr(prefix.size());
    for (const char character : digits) {
      if (!std::isdigit(static_cast<unsigned char>(character))) {
        throw usageError("unknown device \"" + text + "\" (auto, cpu, cuda or cuda:N)");
      }
    }
    index = std::stoi(digits);
  }
  if (!torch::cuda::is_available()) {
    throw Error(ExitCode::Unsupported, "device " + text +
                                           ": CUDA is not available (this LibTorch has no CUDA support or no GPU is "
                                           "visible); use the cpu or auto device");
  }
  const auto count = static_cast<int>(torch::cuda::device_count());
  if (index >= count) {
    throw Error(ExitCode::Unsupported, "device " + text + ": only " + std::to_string(count) +
                                           " CUDA device(s) visible (cuda:0.." + std::to_string(count - 1) + ")");
  }
  return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(index));
}

c10::ScalarType resolvePrecision(const std::string& text, const c10::Device& device) {
  if (text == "float32") {
    return c10::kFloat;
  }
  if (text == "bfloat16") {
    return c10::kBFloat16;
  }
  if (text == "float16") {
    if (device.is_cpu()) {
      throw Error(ExitCode::Unsupported, "precision float16 needs a CUDA device; on the CPU use float32 or bfloat16");
    }
    return c10::kHalf;
  }
  throw usageError("unknown precision \"" + text + "\" (float32, float16 or bfloat16)");
}

std::string precisionName(c10::ScalarType dtype) {
  switch (dtype) {
    case c10::kHalf: return "float16";
    case c10::kBFloat16: return "bfloat16";
    default: return "float32";
  }
}

int applyThreadCount(int requested) {
  const int count = requested > 0 ? requested : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  at::set_num_threads(count);
  return count;
}

}  // namespace skipseg::inference
