#pragma once
// Deterministic initialisation: the same seed gives bit-identical parameters on every machine,
// independent of LibTorch's global random state (which other code may consume).
#include <torch/nn/module.h>

#include <cstdint>

namespace skipseg::nn {

/// Draws every parameter from a generator seeded with `seed`, walking the modules in registration
/// order: convolution kernels (and any other weight with >= 2 axes) He-normal with fan-in, dense
/// layers Xavier-uniform, position embeddings normal(0, 0.02); biases zero; one-axis scales (norms,
/// PReLU) keep their constant defaults.
void initializeParameters(torch::nn::Module& network, uint64_t seed);

/// A seed derived from a network seed and a block index (for per-block generators: drop-path).
uint64_t derivedSeed(uint64_t seed, uint64_t index);

}  // namespace skipseg::nn
