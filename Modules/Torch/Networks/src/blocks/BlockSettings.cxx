#include "skipseg/nn/blocks/BlockSettings.h"

namespace skipseg::nn {

BlockSettings readBlockSettings(ConfigurationReader& reader, const std::string& defaultNorm,
                                const std::string& defaultActivation) {
  BlockSettings settings;
  settings.spatialDims = static_cast<int>(reader.integer("spatial_dims", 3, 2, 3));
  const auto norm = reader.choice("norm", defaultNorm, {"batch", "instance", "group", "none"});
  settings.norm = norm == "batch"      ? NormKind::Batch
                  : norm == "instance" ? NormKind::Instance
                  : norm == "group"    ? NormKind::Group
                                       : NormKind::None;
  settings.normGroups = reader.integer("norm_groups", 8, 1, 1024);
  const auto activation = reader.choice("activation", defaultActivation, {"relu", "leakyrelu", "prelu", "gelu"});
  settings.activation = activation == "relu"        ? ActivationKind::ReLU
                        : activation == "leakyrelu" ? ActivationKind::LeakyReLU
                        : activation == "prelu"     ? ActivationKind::PReLU
                                                    : ActivationKind::GELU;
  settings.negativeSlope = reader.number("negative_slope", 0.01, 0.0, 1.0);
  return settings;
}

std::vector<int64_t> perAxis(int64_t value, int spatialDims) {
  return std::vector<int64_t>(spatialDims, value);
}

}  // namespace skipseg::nn
