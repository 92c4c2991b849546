#include "skipseg/inference/DeviceMemory.h"

#include <dlfcn.h>
#include <link.h>

#include <algorithm>
#include <cstddef>
#include <string>

namespace skipseg::inference {
namespace {

// cudaError_t and CUresult are int enums; 0 is success.
using RuntimeMemGetInfo = int (*)(std::size_t*, std::size_t*);
using RuntimeGetDevice = int (*)(int*);
using RuntimeSetDevice = int (*)(int);
using DriverMemGetInfo = int (*)(std::size_t*, std::size_t*);
using DriverCurrentDevice = int (*)(int*);

/// A loaded library whose file name contains `part`, opened again without loading anything (null if none).
void* loadedLibrary(const char* part) {
  struct Search {
    const char* part;
    std::string path;
  } search{part, {}};
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        auto* wanted = static_cast<Search*>(data);
        if (info->dlpi_name && std::string(info->dlpi_name).find(wanted->part) != std::string::npos) {
          wanted->path = info->dlpi_name;
          return 1;
        }
        return 0;
      },
      &search);
  return search.path.empty() ? nullptr : dlopen(search.path.c_str(), RTLD_LAZY | RTLD_NOLOAD);
}

template <typename Function>
Function symbol(void* library, const char* name) {
  return reinterpret_cast<Function>(dlsym(library, name));
}

/// Through the CUDA runtime LibTorch uses: global when LibTorch's CUDA library needs it, else found
/// among the loaded libraries.
std::optional<DeviceMemory> fromRuntime(int index) {
  void* library = RTLD_DEFAULT;
  if (!dlsym(library, "cudaMemGetInfo")) {
    library = loadedLibrary("libcudart");
  }
  if (!library) {
    return std::nullopt;
  }
  const auto memGetInfo = symbol<RuntimeMemGetInfo>(library, "cudaMemGetInfo");
  const auto getDevice = symbol<RuntimeGetDevice>(library, "cudaGetDevice");
  const auto setDevice = symbol<RuntimeSetDevice>(library, "cudaSetDevice");
  int previous = 0;
  if (!memGetInfo || !getDevice || !setDevice || getDevice(&previous) != 0) {
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
  return answered ? std::optional<DeviceMemory>(DeviceMemory{freeBytes, totalBytes}) : std::nullopt;
}

/// Through the driver (a runtime linked statically into LibTorch still loads libcuda.so.1), for the
/// device of the calling thread's current context only.
std::optional<DeviceMemory> fromDriver(int index) {
  void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_NOLOAD);
  if (!driver) {
    return std::nullopt;
  }
  const auto currentDevice = symbol<DriverCurrentDevice>(driver, "cuCtxGetDevice");
  const auto memGetInfo = symbol<DriverMemGetInfo>(driver, "cuMemGetInfo_v2");
  int device = -1;
  std::size_t freeBytes = 0, totalBytes = 0;
  if (!currentDevice || !memGetInfo || currentDevice(&device) != 0 || device != index ||
      memGetInfo(&freeBytes, &totalBytes) != 0) {
    return std::nullopt;
  }
  return DeviceMemory{freeBytes, totalBytes};
}

}  // namespace

std::optional<DeviceMemory> cudaDeviceMemory(int index) {
  if (auto memory = fromRuntime(index)) {
    return memory;
  }
  return fromDriver(index);
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
