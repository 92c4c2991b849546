// Reading and writing DynamicUNetOptions: nnU-Net's arch_kwargs names, every setting checked, errors
// naming the key.
#include "skipseg/core/Error.h"
#include "skipseg/nn/nnunet/DynamicUNet.h"

#include <set>

namespace skipseg::nn::nnunet {
namespace {

using Json = nlohmann::json;

[[noreturn]] void fail(const std::string& architecture, const std::string& key, const std::string& problem) {
  throw badInput("network configuration", architecture + ": \"" + key + "\" " + problem);
}

std::vector<int64_t> perStageIntegers(const Json& configuration, const std::string& architecture,
                                      const std::string& key, size_t count, const std::vector<int64_t>& fallback,
                                      int64_t minimum) {
  if (!configuration.contains(key)) {
    if (fallback.empty()) {
      fail(architecture, key, "is required");
    }
    return fallback;
  }
  const Json& value = configuration.at(key);
  std::vector<int64_t> values;
  if (value.is_number_integer()) {
    values.assign(count, value.get<int64_t>());
  } else if (value.is_array()) {
    for (const auto& entry : value) {
      if (!entry.is_number_integer()) {
        fail(architecture, key, "must hold integers");
      }
      values.push_back(entry.get<int64_t>());
    }
  } else {
    fail(architecture, key, "must be an integer or a list of integers");
  }
  if (values.size() != count) {
    fail(architecture, key, "must have " + std::to_string(count) + " entries, not " + std::to_string(values.size()));
  }
  for (const auto entry : values) {
    if (entry < minimum) {
      fail(architecture, key, "entries must be at least " + std::to_string(minimum));
    }
  }
  return values;
}

std::vector<std::vector<int64_t>> perStageShapes(const Json& configuration, const std::string& architecture,
                                                 const std::string& key, int64_t dims) {
  if (!configuration.contains(key) || !configuration.at(key).is_array() || configuration.at(key).empty()) {
    fail(architecture, key, "must list one entry per stage");
  }
  std::vector<std::vector<int64_t>> shapes;
  for (const auto& entry : configuration.at(key)) {
    std::vector<int64_t> shape;
    if (entry.is_number_integer()) {
      shape.assign(static_cast<size_t>(dims), entry.get<int64_t>());
    } else if (entry.is_array() && entry.size() == static_cast<size_t>(dims)) {
      for (const auto& size : entry) {
        if (!size.is_number_integer()) {
          fail(architecture, key, "must hold integers");
        }
        shape.push_back(size.get<int64_t>());
      }
    } else {
      fail(architecture, key, "entries must be an integer or " + std::to_string(dims) + " integers");
    }
    for (const auto size : shape) {
      if (size < 1) {
        fail(architecture, key, "entries must be positive");
      }
    }
    shapes.push_back(shape);
  }
  return shapes;
}

template <typename T>
T readValue(const Json& configuration, const std::string& architecture, const std::string& key, T fallback) {
  if (!configuration.contains(key) || configuration.at(key).is_null()) {
    return fallback;
  }
  try {
    return configuration.at(key).get<T>();
  } catch (const Json::exception&) {
    fail(architecture, key, "has the wrong type");
  }
}

}  // namespace

DynamicUNetOptions DynamicUNetOptions::fromJson(const Json& configuration) {
  if (!configuration.is_object()) {
    throw badInput("network configuration", "must be a JSON object");
  }
  const std::string architecture = configuration.value("architecture", std::string("nnunet"));
  if (architecture != "nnunet" && architecture != "nnunet_resenc") {
    throw badInput("network configuration", "architecture \"" + architecture + "\" is not a dynamic U-Net");
  }
  static const std::set<std::string> known{"architecture",
                                           "spatial_dims",
                                           "in_channels",
                                           "num_classes",
                                           "kernel_sizes",
                                           "strides",
                                           "features_per_stage",
                                           "base_features",
                                           "max_features",
                                           "n_conv_per_stage",
                                           "n_blocks_per_stage",
                                           "n_conv_per_stage_decoder",
                                           "conv_bias",
                                           "norm",
                                           "norm_eps",
                                           "norm_affine",
                                           "nonlin",
                                           "negative_slope",
                                           "nonlin_first",
                                           "stem_channels",
                                           "seed"};
  for (const auto& item : configuration.items()) {
    if (!known.count(item.key())) {
      fail(architecture, item.key(), "is not a setting of this architecture");
    }
  }
  DynamicUNetOptions options;
  options.residualEncoder = architecture == "nnunet_resenc";
  options.spatialDims = readValue<int64_t>(configuration, architecture, "spatial_dims", 3);
  if (options.spatialDims != 2 && options.spatialDims != 3) {
    fail(architecture, "spatial_dims", "must be 2 or 3");
  }
  options.inChannels = readValue<int64_t>(configuration, architecture, "in_channels", 1);
  if (!configuration.contains("num_classes")) {
    fail(architecture, "num_classes", "is required");
  }
  options.numClasses = readValue<int64_t>(configuration, architecture, "num_classes", 0);
  if (options.inChannels < 1 || options.numClasses < 1) {
    fail(architecture, options.inChannels < 1 ? "in_channels" : "num_classes", "must be at least 1");
  }
  options.kernelSizes = perStageShapes(configuration, architecture, "kernel_sizes", options.spatialDims);
  options.strides = perStageShapes(configuration, architecture, "strides", options.spatialDims);
  const size_t stages = options.kernelSizes.size();
  if (options.strides.size() != stages) {
    fail(architecture, "strides", "must have as many entries as \"kernel_sizes\" (" + std::to_string(stages) + ")");
  }
  if (stages < 2) {
    fail(architecture, "kernel_sizes", "must describe at least 2 stages");
  }
  if (configuration.contains("features_per_stage")) {
    options.featuresPerStage = perStageIntegers(configuration, architecture, "features_per_stage", stages, {}, 1);
  } else {
    const auto base = readValue<int64_t>(configuration, architecture, "base_features", 32);
    const auto cap = readValue<int64_t>(configuration, architecture, "max_features", 320);
    if (base < 1 || cap < base) {
      fail(architecture, "base_features", "must be at least 1 and at most \"max_features\"");
    }
    for (size_t s = 0; s < stages; ++s) {
      options.featuresPerStage.push_back(std::min(base << s, cap));
    }
  }
  const std::string perStageKey = options.residualEncoder ? "n_blocks_per_stage" : "n_conv_per_stage";
  const std::string otherKey = options.residualEncoder ? "n_conv_per_stage" : "n_blocks_per_stage";
  if (configuration.contains(otherKey)) {
    fail(architecture, otherKey, "belongs to the other encoder; use \"" + perStageKey + "\"");
  }
  options.convsPerStage =
      perStageIntegers(configuration, architecture, perStageKey, stages, std::vector<int64_t>(stages, 2), 1);
  options.convsPerDecoderStage = perStageIntegers(configuration, architecture, "n_conv_per_stage_decoder", stages - 1,
                                                  std::vector<int64_t>(stages - 1, 2), 1);
  options.convBias = readValue<bool>(configuration, architecture, "conv_bias", true);
  options.norm = readValue<std::string>(configuration, architecture, "norm", "instance");
  if (options.norm != "instance" && options.norm != "batch" && options.norm != "none") {
    fail(architecture, "norm", "must be \"instance\", \"batch\" or \"none\"");
  }
  options.normEps = readValue<double>(configuration, architecture, "norm_eps", 1e-5);
  options.normAffine = readValue<bool>(configuration, architecture, "norm_affine", true);
  options.nonlin = readValue<std::string>(configuration, architecture, "nonlin", "leaky_relu");
  if (options.nonlin != "leaky_relu" && options.nonlin != "relu") {
    fail(architecture, "nonlin", "must be \"leaky_relu\" or \"relu\"");
  }
  options.negativeSlope = readValue<double>(configuration, architecture, "negative_slope", 1e-2);
  options.nonlinFirst = readValue<bool>(configuration, architecture, "nonlin_first", false);
  if (options.nonlinFirst && options.residualEncoder) {
    fail(architecture, "nonlin_first", "is not available with the residual encoder");
  }
  options.stemChannels = readValue<int64_t>(configuration, architecture, "stem_channels", 0);
  if (options.stemChannels < 0) {
    fail(architecture, "stem_channels", "must not be negative");
  }
  options.seed = readValue<uint64_t>(configuration, architecture, "seed", 0);
  return options;
}

Json DynamicUNetOptions::toJson() const {
  Json json;
  json["architecture"] = residualEncoder ? "nnunet_resenc" : "nnunet";
  json["spatial_dims"] = spatialDims;
  json["in_channels"] = inChannels;
  json["num_classes"] = numClasses;
  json["features_per_stage"] = featuresPerStage;
  json["kernel_sizes"] = kernelSizes;
  json["strides"] = strides;
  json[residualEncoder ? "n_blocks_per_stage" : "n_conv_per_stage"] = convsPerStage;
  json["n_conv_per_stage_decoder"] = convsPerDecoderStage;
  json["conv_bias"] = convBias;
  json["norm"] = norm;
  json["norm_eps"] = normEps;
  json["norm_affine"] = normAffine;
  json["nonlin"] = nonlin;
  json["negative_slope"] = negativeSlope;
  if (!residualEncoder) {
    json["nonlin_first"] = nonlinFirst;
  } else {
    json["stem_channels"] = stemChannels;
  }
  json["seed"] = seed;
  return json;
}

}  // namespace skipseg::nn::nnunet
