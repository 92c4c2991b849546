#include "skipseg/model/NnUNetImport.h"

#include "skipseg/core/Error.h"
#include "skipseg/core/JsonFile.h"
#include "skipseg/core/Logging.h"
#include "skipseg/model/TorchPickle.h"
#include "skipseg/nn/nnunet/DynamicUNet.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

namespace skipseg::model {
namespace {

namespace fs = std::filesystem;

std::string lastName(const std::string& dotted) {
  return dotted.substr(dotted.rfind('.') + 1);
}

// The configuration with "inherits_from" resolved (child keys override the parent's).
Json resolvedConfiguration(const Json& plans, const std::string& name, const std::string& plansPath, int depth = 0) {
  if (!plans.contains("configurations") || !plans.at("configurations").contains(name)) {
    throw badInput(plansPath, "has no configuration \"" + name + "\"");
  }
  Json configuration = plans.at("configurations").at(name);
  if (configuration.contains("inherits_from") && depth < 8) {
    Json merged =
        resolvedConfiguration(plans, configuration.at("inherits_from").get<std::string>(), plansPath, depth + 1);
    merged.update(configuration);
    merged.erase("inherits_from");
    return merged;
  }
  return configuration;
}

struct LabelSet {
  std::vector<LabelInfo> labels;  // sorted by id, the "ignore" label left out (nnU-Net predicts no channel for it)
};

LabelSet readLabels(const Json& datasetJson, const std::string& datasetPath) {
  if (!datasetJson.contains("labels") || !datasetJson.at("labels").is_object()) {
    throw badInput(datasetPath, "missing \"labels\"");
  }
  LabelSet set;
  for (const auto& item : datasetJson.at("labels").items()) {
    if (item.value().is_array()) {
      throw unsupported(datasetPath,
                        "region-based training (label \"" + item.key() + "\" lists several ids) is not supported yet");
    }
    if (item.key() == "ignore") {
      continue;
    }
    if (!item.value().is_number_integer()) {
      throw badInput(datasetPath, "label \"" + item.key() + "\" must map to an integer id");
    }
    LabelInfo label;
    label.id = item.value().get<int>();
    label.name = item.key();
    label.color = defaultLabelColor(label.id);
    set.labels.push_back(label);
  }
  std::sort(set.labels.begin(), set.labels.end(), [](const LabelInfo& a, const LabelInfo& b) { return a.id < b.id; });
  return set;
}

int channelCount(const Json& datasetJson, const std::string& datasetPath) {
  for (const char* key : {"channel_names", "modality"}) {
    if (datasetJson.contains(key) && datasetJson.at(key).is_object() && !datasetJson.at(key).empty()) {
      return static_cast<int>(datasetJson.at(key).size());
    }
  }
  throw badInput(datasetPath, "missing \"channel_names\"");
}

std::string normName(const Json& value, const std::string& plansPath) {
  if (value.is_null()) {
    return "none";
  }
  const auto name = lastName(value.get<std::string>());
  if (name.rfind("InstanceNorm", 0) == 0) {
    return "instance";
  }
  if (name.rfind("BatchNorm", 0) == 0) {
    return "batch";
  }
  throw unsupported(plansPath, "norm_op " + value.get<std::string>() + " is not supported (InstanceNorm, BatchNorm)");
}

}  // namespace

Json nnUNetNetworkConfiguration(const Json& plans, const Json& datasetJson, const std::string& configurationName,
                                const std::string& plansPath) {
  const Json configuration = resolvedConfiguration(plans, configurationName, plansPath);
  Json network;
  network["in_channels"] = channelCount(datasetJson, plansPath);
  network["num_classes"] = readLabels(datasetJson, plansPath).labels.size();
  try {
    if (configuration.contains("architecture")) {
      const Json& architecture = configuration.at("architecture");
      const auto className = architecture.at("network_class_name").get<std::string>();
      const Json& kwargs = architecture.at("arch_kwargs");
      const std::string shortName = lastName(className);
      if (shortName == "PlainConvUNet") {
        network["architecture"] = "nnunet";
        network["n_conv_per_stage"] = kwargs.at("n_conv_per_stage");
        network["nonlin_first"] = kwargs.value("nonlin_first", false);
      } else if (shortName == "ResidualEncoderUNet") {
        network["architecture"] = "nnunet_resenc";
        network["n_blocks_per_stage"] = kwargs.at("n_blocks_per_stage");
        if (kwargs.contains("block") && !kwargs.at("block").is_null() &&
            lastName(kwargs.at("block").get<std::string>()) != "BasicBlockD") {
          throw unsupported(
              plansPath, "residual block " + kwargs.at("block").get<std::string>() + " is not supported (BasicBlockD)");
        }
        if (kwargs.contains("stem_channels") && !kwargs.at("stem_channels").is_null()) {
          network["stem_channels"] = kwargs.at("stem_channels");
        }
      } else {
        throw unsupported(plansPath,
                          "network class " + className + " is not supported (PlainConvUNet, ResidualEncoderUNet)");
      }
      const auto convOp = lastName(kwargs.at("conv_op").get<std::string>());
      network["spatial_dims"] = convOp == "Conv2d" ? 2 : 3;
      network["features_per_stage"] = kwargs.at("features_per_stage");
      network["kernel_sizes"] = kwargs.at("kernel_sizes");
      network["strides"] = kwargs.at("strides");
      network["n_conv_per_stage_decoder"] = kwargs.at("n_conv_per_stage_decoder");
      network["conv_bias"] = kwargs.value("conv_bias", false);
      network["norm"] = normName(kwargs.value("norm_op", Json()), plansPath);
      const Json normKwargs = kwargs.value("norm_op_kwargs", Json::object());
      if (normKwargs.is_object()) {
        network["norm_eps"] = normKwargs.value("eps", 1e-5);
        network["norm_affine"] = normKwargs.value("affine", network["norm"] == "batch");
      }
      const Json nonlin = kwargs.value("nonlin", Json());
      const std::string nonlinName = nonlin.is_null() ? "" : lastName(nonlin.get<std::string>());
      if (nonlinName == "LeakyReLU") {
        network["nonlin"] = "leaky_relu";
        const Json nonlinKwargs = kwargs.value("nonlin_kwargs", Json::object());
        network["negative_slope"] = nonlinKwargs.is_object() ? nonlinKwargs.value("negative_slope", 1e-2) : 1e-2;
      } else if (nonlinName == "ReLU") {
        network["nonlin"] = "relu";
      } else {
        throw unsupported(plansPath, "nonlinearity " +
                                         (nonlin.is_null() ? std::string("None") : nonlin.get<std::string>()) +
                                         " is not supported (LeakyReLU, ReLU)");
      }
    } else {
      // Plans written before nnU-Net 2.4: fixed conv bias, instance norm and leaky ReLU.
      const auto className = configuration.at("UNet_class_name").get<std::string>();
      if (className != "PlainConvUNet" && className != "ResidualEncoderUNet") {
        throw unsupported(plansPath, "UNet_class_name " + className + " is not supported");
      }
      const bool residual = className == "ResidualEncoderUNet";
      const auto kernels = configuration.at("conv_kernel_sizes");
      const auto base = configuration.at("UNet_base_num_features").get<int64_t>();
      const auto cap = configuration.at("unet_max_num_features").get<int64_t>();
      std::vector<int64_t> features;
      for (size_t s = 0; s < kernels.size(); ++s) {
        features.push_back(std::min(base << s, cap));
      }
      network["architecture"] = residual ? "nnunet_resenc" : "nnunet";
      network["spatial_dims"] = kernels.at(0).size();
      network["features_per_stage"] = features;
      network["kernel_sizes"] = kernels;
      network["strides"] = configuration.at("pool_op_kernel_sizes");
      network[residual ? "n_blocks_per_stage" : "n_conv_per_stage"] = configuration.at("n_conv_per_stage_encoder");
      network["n_conv_per_stage_decoder"] = configuration.at("n_conv_per_stage_decoder");
      network["conv_bias"] = true;
      network["norm"] = "instance";
      network["norm_eps"] = 1e-5;
      network["norm_affine"] = true;
      network["nonlin"] = "leaky_relu";
      network["negative_slope"] = 1e-2;
    }
  } catch (const Json::exception& error) {
    throw badInput(plansPath, "configuration \"" + configurationName + "\" lacks network settings (" +
                                  std::string(error.what()) + ")");
  }
  return network;
}

namespace {

ModelDescription describe(const Json& plans, const Json& datasetJson, const std::string& configurationName,
                          const std::string& plansPath, const std::string& datasetPath, int spatialDims) {
  const Json configuration = resolvedConfiguration(plans, configurationName, plansPath);
  ModelDescription description;
  description.spatialDims = spatialDims;
  description.inChannels = channelCount(datasetJson, datasetPath);
  description.axisOrder = "zyx";
  description.orientation.clear();
  const auto transpose = plans.value("transpose_forward", std::vector<int>{0, 1, 2});
  if (transpose != std::vector<int>{0, 1, 2}) {
    throw unsupported(plansPath,
                      "transpose_forward is not [0, 1, 2]: models trained on transposed axes are not supported yet");
  }
  try {
    const auto spacing = configuration.at("spacing").get<std::vector<double>>();
    if (spacing.size() == 3) {
      description.spacing = {spacing[2], spacing[1], spacing[0]};
    } else if (spacing.size() == 2) {
      // 2D configurations resample in-plane only; the slice spacing stays the data set's median.
      const auto median = plans.at("original_median_spacing_after_transp").get<std::vector<double>>();
      description.spacing = {spacing[1], spacing[0], median.at(0)};
    } else {
      throw badInput(plansPath, "\"spacing\" of configuration \"" + configurationName + "\" has " +
                                    std::to_string(spacing.size()) + " entries");
    }
    description.patchSize = configuration.at("patch_size").get<std::vector<int>>();
    const auto schemes = configuration.at("normalization_schemes").get<std::vector<std::string>>();
    const auto useMask = configuration.value("use_mask_for_norm", std::vector<bool>(schemes.size(), false));
    for (size_t c = 0; c < schemes.size(); ++c) {
      NormalizationSpec spec;
      if (schemes[c] == "CTNormalization") {
        const Json& properties = plans.at("foreground_intensity_properties_per_channel").at(std::to_string(c));
        spec.scheme = NormalizationSpec::Scheme::Ct;
        spec.clipLow = properties.at("percentile_00_5").get<double>();
        spec.clipHigh = properties.at("percentile_99_5").get<double>();
        spec.mean = properties.at("mean").get<double>();
        spec.std = std::max(properties.at("std").get<double>(), 1e-8);
      } else if (schemes[c] == "ZScoreNormalization") {
        spec.scheme = NormalizationSpec::Scheme::ZScore;
        spec.nonZeroRegionOnly = c < useMask.size() && useMask[c];
      } else if (schemes[c] == "NoNormalization") {
        spec.scheme = NormalizationSpec::Scheme::None;
      } else if (schemes[c] == "RGBTo01Normalization") {
        spec.scheme = NormalizationSpec::Scheme::Scale;
        spec.aMin = 0, spec.aMax = 255, spec.bMin = 0, spec.bMax = 1;
      } else {
        throw unsupported(plansPath, "normalization scheme " + schemes[c] + " is not supported");
      }
      description.normalization.push_back(spec);
    }
  } catch (const Json::exception& error) {
    throw badInput(plansPath, "configuration \"" + configurationName + "\": " + std::string(error.what()));
  }
  description.output = "logits";
  description.labels = readLabels(datasetJson, datasetPath).labels;
  description.cropToNonZero = true;  // nnU-Net's preprocessing always crops to the non-zero bounding box
  return description;
}

std::string stripPrefixes(std::string key) {
  for (const std::string prefix : {"_orig_mod.", "module."}) {
    if (key.rfind(prefix, 0) == 0) {
      key = key.substr(prefix.size());
    }
  }
  return key;
}

// Copies network_weights into the network: every key used once, every shape checked.
void loadWeights(nn::SegmentationNetwork& network, const PickleValue& weights, const std::string& checkpointPath) {
  std::map<std::string, at::Tensor> targets;
  for (const auto& item : network.named_parameters(true)) {
    targets.emplace(item.key(), item.value());
  }
  for (const auto& item : network.named_buffers(true)) {
    targets.emplace(item.key(), item.value());
  }
  std::map<std::string, at::Tensor> canonical;
  std::vector<std::pair<std::string, at::Tensor>> duplicates;
  for (size_t i = 0; i + 1 < weights.items.size(); i += 2) {
    const auto& key = weights.items[i];
    const auto& value = weights.items[i + 1];
    if (key->kind != PickleValue::Kind::String || value->kind != PickleValue::Kind::Tensor) {
      throw badInput(checkpointPath,
                     "network_weights holds a " + value->typeName() + " under a " + key->typeName() + " key");
    }
    bool duplicate = false;
    const std::string name = nn::nnunet::DynamicUNet::canonicalParameterName(stripPrefixes(key->text), &duplicate);
    if (duplicate) {
      duplicates.emplace_back(name, value->tensor);
      continue;
    }
    const auto target = targets.find(name);
    if (target == targets.end()) {
      throw badInput(checkpointPath,
                     "weight \"" + key->text + "\" has no place in the network that plans.json describes");
    }
    if (target->second.sizes() != value->tensor.sizes()) {
      std::ostringstream shapes;
      shapes << value->tensor.sizes() << " instead of " << target->second.sizes();
      throw badInput(checkpointPath, "weight \"" + key->text + "\" has shape " + shapes.str());
    }
    canonical[name] = value->tensor;
  }
  for (const auto& target : targets) {
    if (!canonical.count(target.first)) {
      throw badInput(checkpointPath, "weight \"" + target.first + "\" is missing from network_weights");
    }
  }
  for (const auto& duplicate : duplicates) {
    const auto original = canonical.find(duplicate.first);
    if (original == canonical.end() || original->second.sizes() != duplicate.second.sizes() ||
        !at::equal(original->second, duplicate.second)) {
      throw badInput(checkpointPath, "weight \"" + duplicate.first + "\" and its repeated copy differ");
    }
  }
  torch::NoGradGuard noGradients;
  for (auto& target : targets) {
    target.second.copy_(canonical.at(target.first));
  }
}

std::vector<std::pair<std::string, std::string>> findFolds(const std::string& folder, const LoadOptions& options) {
  std::vector<std::pair<std::string, std::string>> folds;  // name, checkpoint path
  if (!options.folds.empty()) {
    for (const int fold : options.folds) {
      const std::string name = fold < 0 ? "fold_all" : "fold_" + std::to_string(fold);
      const fs::path checkpoint = fs::path(folder) / name / options.checkpointName;
      if (!fs::is_regular_file(checkpoint)) {
        throw badInput(checkpoint.string(), fs::is_directory(checkpoint.parent_path())
                                                ? "checkpoint missing"
                                                : "fold folder missing (fold " + std::to_string(fold) + ")");
      }
      folds.emplace_back(name, checkpoint.string());
    }
    return folds;
  }
  static const std::regex foldName("fold_([0-9]+|all)");
  std::vector<std::pair<int, std::string>> found;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && std::regex_match(name, foldName) &&
        fs::is_regular_file(entry.path() / options.checkpointName)) {
      found.emplace_back(name == "fold_all" ? 1 << 30 : std::stoi(name.substr(5)), name);
    }
  }
  std::sort(found.begin(), found.end());
  for (const auto& fold : found) {
    folds.emplace_back(fold.second, (fs::path(folder) / fold.second / options.checkpointName).string());
  }
  if (folds.empty()) {
    throw badInput(folder, "no fold_N/" + options.checkpointName + " in this nnU-Net results folder");
  }
  return folds;
}

std::string configurationOf(const PickleValue& root, const Json& plans, const std::string& folder,
                            const std::string& plansPath) {
  if (const auto* initArguments = root.find("init_args")) {
    if (const auto* configuration = initArguments->find("configuration")) {
      if (configuration->kind == PickleValue::Kind::String) {
        return configuration->text;
      }
    }
  }
  const std::string folderName = fs::path(folder).lexically_normal().filename().string();
  const auto separator = folderName.rfind("__");
  if (separator != std::string::npos && plans.at("configurations").contains(folderName.substr(separator + 2))) {
    return folderName.substr(separator + 2);
  }
  if (plans.at("configurations").size() == 1) {
    return plans.at("configurations").begin().key();
  }
  throw badInput(plansPath, "cannot tell which configuration the checkpoint was trained with");
}

}  // namespace

std::vector<ImportedNetwork> importNnUNetFolder(const std::string& folderArgument, const LoadOptions& options) {
  std::string folder = folderArgument;
  while (folder.size() > 1 && folder.back() == '/') {
    folder.pop_back();
  }
  if (!fs::is_directory(folder)) {
    throw badInput(folder, "not a folder");
  }
  const std::string plansPath = (fs::path(folder) / "plans.json").string();
  const std::string datasetPath = (fs::path(folder) / "dataset.json").string();
  for (const auto& required : {plansPath, datasetPath}) {
    if (!fs::is_regular_file(required)) {
      throw badInput(required, "missing: not an nnU-Net v2 results folder");
    }
  }
  const Json plans = readJsonFile(plansPath);
  const Json datasetJson = readJsonFile(datasetPath);
  if (!plans.contains("configurations") || !plans.at("configurations").is_object()) {
    throw badInput(plansPath, "missing \"configurations\"");
  }

  std::vector<ImportedNetwork> imported;
  for (const auto& fold : findFolds(folder, options)) {
    const auto checkpoint = readTorchCheckpoint(fold.second);
    const PickleValue& root = *checkpoint.root;
    const PickleValue* weights = root.find("network_weights");
    if (!weights || weights->kind != PickleValue::Kind::Dict) {
      throw badInput(fold.second, "no network_weights in the checkpoint");
    }
    const std::string configuration = configurationOf(root, plans, folder, plansPath);
    const Json networkConfiguration = nnUNetNetworkConfiguration(plans, datasetJson, configuration, plansPath);
    auto network = std::make_shared<nn::nnunet::DynamicUNet>(nn::nnunet::DynamicUNetOptions::fromJson(networkConfiguration));
    loadWeights(*network, *weights, fold.second);
    network->eval();

    ImportedNetwork entry;
    entry.name = fold.first;
    entry.description = describe(plans, datasetJson, configuration, plansPath, datasetPath,
                                 static_cast<int>(network->options().spatialDims));
    if (const auto* mirroring = root.find("inference_allowed_mirroring_axes")) {
      for (const auto& axis : mirroring->items) {
        entry.description.mirrorAxes.push_back(static_cast<int>(axis->integer));
      }
    }
    entry.description.source = folder;
    Json provenance = {{"imported_from", "nnU-Net v2"},
                       {"dataset", plans.value("dataset_name", std::string())},
                       {"plans", plans.value("plans_name", std::string())},
                       {"configuration", configuration},
                       {"fold", fold.first},
                       {"checkpoint", fs::path(fold.second).filename().string()}};
    if (const auto* trainer = root.find("trainer_name"); trainer && trainer->kind == PickleValue::Kind::String) {
      provenance["trainer"] = trainer->text;
    }
    if (const auto* epoch = root.find("current_epoch"); epoch && epoch->kind == PickleValue::Kind::Int) {
      provenance["epochs"] = epoch->integer;
    }
    entry.description.provenance = provenance;
    entry.description.validate();
    entry.network = network;
    int64_t parameterCount = 0;
    for (const auto& parameter : network->parameters()) {
      parameterCount += parameter.numel();
    }
    spdlog::info("nnU-Net import: {} {} ({}, {} parameters, storages recorded on {})", folder, fold.first,
                 configuration, parameterCount,
                 checkpoint.storageLocations.empty() ? std::string("-") : checkpoint.storageLocations.front());
    imported.push_back(std::move(entry));
  }
  return imported;
}

}  // namespace skipseg::model
