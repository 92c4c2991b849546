#pragma once
// A description of a network at a given input size: its computing layers in execution order (name,
// type, output shape, parameters, FLOPs), total parameter count and FLOPs. FLOPs count
// multiply-adds x 2 of convolutions, transposed convolutions, dense layers and the two matrix
// products of attention; normalisation, activation and pooling are not counted.
#include "skipseg/nn/SegmentationNetwork.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace skipseg::nn {

/// Runs one forward pass (eval mode, no gradients, zeros of `inputShape` = [N, C, spatial...]) on
/// the network's device and returns
/// {"architecture", "input_shape", "output_shape", "parameters", "trainable_parameters", "flops",
///  "layers": [{"name", "type", "output_shape", "parameters", "flops"}, ...]}.
/// The network's training mode is restored afterwards. A bad input shape throws BadInput.
nlohmann::json summarizeNetwork(SegmentationNetwork& network, const std::vector<int64_t>& inputShape);

/// Sum of numel over all parameters.
int64_t countParameters(const torch::nn::Module& module);

}  // namespace skipseg::nn
