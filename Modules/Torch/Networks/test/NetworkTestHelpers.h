#pragma once
// Small configurations shared by the network tests: every architecture, tiny widths, 2D or 3D.
#include "skipseg/nn/SegmentationNetwork.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace skipseg::nn::testing {

/// A small configuration of `architecture` in `spatialDims` dimensions (transunet: image_size = `size`).
inline nlohmann::json smallConfiguration(const std::string& architecture, int spatialDims, int64_t size = 16) {
  nlohmann::json configuration = {{"architecture", architecture},
                                  {"spatial_dims", spatialDims},
                                  {"in_channels", 2},
                                  {"out_channels", 3},
                                  {"base_features", 4},
                                  {"depth", 2},
                                  {"seed", 7}};
  if (architecture == "transunet") {
    configuration["image_size"] = std::vector<int64_t>(spatialDims, size);
    configuration["hidden_size"] = 16;
    configuration["num_layers"] = 2;
    configuration["num_heads"] = 2;
    configuration["norm"] = "instance";  // batch statistics of one tiny sample are degenerate
  }
  return configuration;
}

inline std::vector<std::string> builtInArchitectures() {
  return {"unet", "resunet", "unetpp", "transunet"};
}

inline std::vector<int64_t> inputShape(int spatialDims, int64_t size, int64_t channels = 2, int64_t batch = 2) {
  std::vector<int64_t> shape{batch, channels};
  shape.insert(shape.end(), spatialDims, size);
  return shape;
}

}  // namespace skipseg::nn::testing
