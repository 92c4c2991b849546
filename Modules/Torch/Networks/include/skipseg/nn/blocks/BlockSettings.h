#pragma once
// The settings shared by every convolutional block of a network: spatial dimension, normalisation,
// activation. Read once from the configuration and handed to each block.
#include "skipseg/nn/NetworkConfiguration.h"

#include <cstdint>
#include <string>
#include <vector>

namespace skipseg::nn {

enum class NormKind { None, Batch, Instance, Group };
enum class ActivationKind { ReLU, LeakyReLU, PReLU, GELU };

struct BlockSettings {
  int spatialDims = 3;
  NormKind norm = NormKind::Instance;
  int64_t normGroups = 8;  ///< for group normalisation
  ActivationKind activation = ActivationKind::LeakyReLU;
  double negativeSlope = 0.01;  ///< for leakyrelu
};

/// Reads "spatial_dims" (2|3, default 3), "norm" (batch|instance|group|none), "norm_groups",
/// "activation" (relu|leakyrelu|prelu|gelu), "negative_slope"; defaults given by the architecture.
BlockSettings readBlockSettings(ConfigurationReader& reader, const std::string& defaultNorm = "instance",
                                const std::string& defaultActivation = "leakyrelu");

/// `value` repeated once per spatial axis.
std::vector<int64_t> perAxis(int64_t value, int spatialDims);

}  // namespace skipseg::nn
