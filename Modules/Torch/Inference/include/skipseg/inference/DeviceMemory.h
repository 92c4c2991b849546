#pragma once
// Free memory of a CUDA device, and the tile batch it allows. No CUDA header: the CUDA runtime is
// reached through the process's symbols, so one build serves CPU-only and CUDA LibTorch alike.
#include <cstdint>
#include <optional>

namespace skipseg::inference {

struct DeviceMemory {
  std::uint64_t freeBytes = 0;
  std::uint64_t totalBytes = 0;
};

/// Free and total bytes of CUDA device `index` as the CUDA runtime reports them (cudaMemGetInfo), or
/// nothing where no CUDA runtime is loaded (a CPU-only LibTorch) or the call fails. Memory that
/// LibTorch's caching allocator holds counts as used.
std::optional<DeviceMemory> cudaDeviceMemory(int index);

/// Tiles per forward pass that fit `freeBytes` when one tile needed `bytesPerTile`: 60 % of the free
/// memory over the per-tile need (the rest covers the allocator's rounding, cuDNN workspaces and
/// mirrored copies), 1 to `ceiling`. A zero per-tile need gives `ceiling`.
int tileBatchForMemory(std::uint64_t freeBytes, std::uint64_t bytesPerTile, int ceiling);

}  // namespace skipseg::inference
