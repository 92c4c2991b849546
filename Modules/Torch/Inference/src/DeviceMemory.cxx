#include "skipseg/inference/DeviceMemory.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstddef>

namespace skipseg::inference {
namespace {

// cudaError_t is an int enum; 0 is cudaSuccess.
using MemGetInfo = int (*)(std::size_t*, std::size_t*);
using GetDevice = int (*)(int*);
using SetDevice = int (*)(int);

template <typename Function>
Function cudaRuntimeFunction(const char* name) {
  // LibTorch's CUDA library loads the CUDA runtime as its own dependency, so its symbols are global.
  return reinterpret_cast<Function>(dlsym(RTLD_DEFAULT, name));
}

}  // namespace

std::optional<DeviceMemory> cudaDeviceMemory(int index) {
  const auto memGetInfo = cudaRuntimeFunction<MemGetInfo>("cudaMemGetInfo");
  const auto getDevice = cudaRuntimeFunction<GetDevice>("cudaGetDevice");
  const auto setDevice = cudaRuntimeFunction<SetDevice>("cudaSetDevice");
  if (!memGetInfo || !getDevice || !setDevice) {
    return std::nullopt;
  }
  int previous = 0;
  if (getDevice(&previous) != 0) {
    return std::nullopt;
  }
  // cudaMemGetInfo answers for the calling thread's current device: switch to `index` and back.
  if (previous != index && setDevice(index) != 0) {
    return std::nullopt;
  }
  std::size_t freeBytes = 0, totalBytes = 0;
  const bool answered = memGetInfo(&freeBytes, &totalBytes) == 0;
  if (previous != index) {
    setDevice(previous);
  }
  if (!answered) {
    return std::nullopt;
  }
  return DeviceMemory{freeBytes, totalBytes};
}

int tileBatchForMemory(std::uint64_t freeBytes, std::uint64_t bytesPerTile, int ceiling) {
  ceiling = std::max(1, ceiling);
  if (bytesPerTile == 0) {
    return ceiling;
  }
  const std::uint64_t fitting = static_cast<std::uint64_t>(0.6 * static_cast<double>(freeBytes)) / bytesPerTile;
  return static_cast<int>(std::clamp<std::uint64_t>(fitting, 1, static_cast<std::uint64_t>(ceiling)));
}

}  // namespace skipseg::inference
