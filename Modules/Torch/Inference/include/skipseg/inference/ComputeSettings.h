#pragma once
// Turns the user's --device, --precision and --threads into what LibTorch needs, with one-line
// errors that say what to use instead. Torch modules only.
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <string>

namespace skipseg::inference {

/// "auto" (CUDA device 0 when LibTorch sees one, else the CPU), "cpu", "cuda" (= cuda:0) or "cuda:N".
/// A CUDA device that is not there is an Unsupported error naming the option; other text a usage error.
c10::Device resolveDevice(const std::string& text);

/// "float32", "float16" or "bfloat16" (usage error otherwise). float16 on the CPU is Unsupported
/// (LibTorch's CPU kernels lack half-precision convolutions); bfloat16 is tried on every device, and a
/// network that cannot run in it fails at its first forward pass with an Unsupported error.
c10::ScalarType resolvePrecision(const std::string& text, const c10::Device& device);

/// "float32", "float16" or "bfloat16".
std::string precisionName(c10::ScalarType dtype);

/// Sets LibTorch's intra-op CPU threads: `requested` when positive, else every core. Returns the count set.
int applyThreadCount(int requested);

}  // namespace skipseg::inference
