#include "skipseg/core/ModelDescription.h"

#include "skipseg/core/Error.h"

#include <algorithm>
#include <cstdlib>

namespace skipseg {
namespace {

double number(const Json& object, const char* key, const std::string& source, double fallback) {
  if (!object.contains(key) || object.at(key).is_null()) {
    return fallback;
  }
  if (!object.at(key).is_number()) {
    throw badInput(source, std::string("normalization key \"") + key + "\" must be a number");
  }
  return object.at(key).get<double>();
}

}  // namespace

NormalizationSpec NormalizationSpec::fromJson(const Json& json, const std::string& source) {
  if (!json.is_object() || !json.contains("scheme") || !json.at("scheme").is_string()) {
    throw badInput(source, "normalization must be an object with a \"scheme\"");
  }
  NormalizationSpec spec;
  const std::string scheme = json.at("scheme").get<std::string>();
  if (scheme == "none") {
    spec.scheme = Scheme::None;
  } else if (scheme == "zscore") {
    spec.scheme = Scheme::ZScore;
    spec.nonZeroRegionOnly = json.value("nonzero_only", false);
  } else if (scheme == "ct") {
    spec.scheme = Scheme::Ct;
    if (!json.contains("clip") || !json.at("clip").is_array() || json.at("clip").size() != 2) {
      throw badInput(source, "normalization \"ct\" needs \"clip\": [low, high]");
    }
    spec.clipLow = json.at("clip")[0].get<double>();
    spec.clipHigh = json.at("clip")[1].get<double>();
    spec.mean = number(json, "mean", source, 0.0);
    spec.std = number(json, "std", source, 1.0);
  } else if (scheme == "scale") {
    spec.scheme = Scheme::Scale;
    spec.aMin = number(json, "a_min", source, 0.0);
    spec.aMax = number(json, "a_max", source, 1.0);
    spec.bMin = number(json, "b_min", source, 0.0);
    spec.bMax = number(json, "b_max", source, 1.0);
    spec.clip = json.value("clip", false);
    if (spec.aMax == spec.aMin) {
      throw badInput(source, "normalization \"scale\" needs a_max different from a_min");
    }
  } else {
    throw badInput(source, "unknown normalization scheme \"" + scheme + "\" (none, zscore, ct, scale)");
  }
  return spec;
}

Json NormalizationSpec::toJson() const {
  switch (scheme) {
    case Scheme::None: return {{"scheme", "none"}};
    case Scheme::ZScore: return {{"scheme", "zscore"}, {"nonzero_only", nonZeroRegionOnly}};
    case Scheme::Ct: return {{"scheme", "ct"}, {"clip", {clipLow, clipHigh}}, {"mean", mean}, {"std", std}};
    case Scheme::Scale:
      return {{"scheme", "scale"}, {"a_min", aMin}, {"a_max", aMax}, {"b_min", bMin}, {"b_max", bMax}, {"clip", clip}};
  }
  return {{"scheme", "none"}};
}

std::array<double, 3> defaultLabelColor(int id) {
  // A fixed palette of well-separated hues; background is black.
  static const std::array<std::array<double, 3>, 12> palette{{{0.90, 0.10, 0.10},
                                                              {0.10, 0.70, 0.20},
                                                              {0.15, 0.35, 0.90},
                                                              {0.95, 0.75, 0.10},
                                                              {0.60, 0.20, 0.80},
                                                              {0.10, 0.80, 0.80},
                                                              {0.95, 0.45, 0.10},
                                                              {0.55, 0.35, 0.20},
                                                              {0.95, 0.50, 0.70},
                                                              {0.50, 0.80, 0.30},
                                                              {0.30, 0.30, 0.60},
                                                              {0.80, 0.80, 0.50}}};
  if (id <= 0) {
    return {0.0, 0.0, 0.0};
  }
  return palette[static_cast<std::size_t>(id - 1) % palette.size()];
}

ModelDescription ModelDescription::fromJson(const Json& json, const std::string& source) {
  if (!json.is_object()) {
    throw badInput(source, "model description must be a JSON object");
  }
  ModelDescription description;
  description.source = source;
  try {
    description.spatialDims = json.value("spatial_dims", 3);
    description.inChannels = json.value("in_channels", 1);
    description.axisOrder = json.value("axis_order", std::string("xyz"));
    if (json.contains("orientation") && json.at("orientation").is_string()) {
      description.orientation = json.at("orientation").get<std::string>();
    }
    if (json.contains("spacing")) {
      const auto spacing = json.at("spacing").get<std::vector<double>>();
      if (spacing.size() != 3) {
        throw badInput(source, "\"spacing\" must have 3 entries (x, y, z in mm)");
      }
      std::copy(spacing.begin(), spacing.end(), description.spacing.begin());
    }
    description.patchSize = json.value("patch_size", std::vector<int>{});
    description.output = json.value("output", std::string("logits"));
    if (json.contains("normalization")) {
      const Json& normalization = json.at("normalization");
      if (normalization.is_array()) {
        for (const auto& entry : normalization) {
          description.normalization.push_back(NormalizationSpec::fromJson(entry, source));
        }
      } else {
        description.normalization.push_back(NormalizationSpec::fromJson(normalization, source));
      }
    }
    if (json.contains("labels")) {
      const Json& labels = json.at("labels");
      if (!labels.is_object()) {
        throw badInput(source, "\"labels\" must map label ids to names");
      }
      for (const auto& item : labels.items()) {
        LabelInfo label;
        char* end = nullptr;
        label.id = static_cast<int>(std::strtol(item.key().c_str(), &end, 10));
        if (item.key().empty() || *end != '\0') {
          throw badInput(source, "label id \"" + item.key() + "\" is not an integer");
        }
        if (item.value().is_string()) {
          label.name = item.value().get<std::string>();
          label.color = defaultLabelColor(label.id);
        } else {
          label.name = item.value().at("name").get<std::string>();
          const auto color = item.value().value("color", std::vector<double>{});
          label.color =
              color.size() == 3 ? std::array<double, 3>{color[0], color[1], color[2]} : defaultLabelColor(label.id);
        }
        description.labels.push_back(label);
      }
      std::sort(description.labels.begin(), description.labels.end(),
                [](const LabelInfo& a, const LabelInfo& b) { return a.id < b.id; });
    }
    description.mirrorAxes = json.value("mirror_axes", std::vector<int>{});
    description.cropToNonZero = json.value("crop_to_nonzero", false);
    description.interpolation = json.value("interpolation", std::string("bspline"));
    if (json.contains("provenance")) {
      description.provenance = json.at("provenance");
    }
  } catch (const Json::exception& error) {
    throw badInput(source, std::string("malformed model description: ") + error.what());
  }
  description.validate();
  return description;
}

Json ModelDescription::toJson() const {
  Json json;
  json["format"] = "skipseg-torchscript/1";
  json["spatial_dims"] = spatialDims;
  json["in_channels"] = inChannels;
  json["axis_order"] = axisOrder;
  json["orientation"] = orientation.empty() ? Json(nullptr) : Json(orientation);
  json["spacing"] = spacing;
  json["patch_size"] = patchSize;
  if (normalization.size() == 1) {
    json["normalization"] = normalization.front().toJson();
  } else {
    json["normalization"] = Json::array();
    for (const auto& spec : normalization) {
      json["normalization"].push_back(spec.toJson());
    }
  }
  json["output"] = output;
  Json labelsJson = Json::object();
  for (const auto& label : labels) {
    labelsJson[std::to_string(label.id)] = {{"name", label.name}, {"color", label.color}};
  }
  json["labels"] = labelsJson;
  json["mirror_axes"] = mirrorAxes;
  json["crop_to_nonzero"] = cropToNonZero;
  json["interpolation"] = interpolation;
  json["provenance"] = provenance;
  return json;
}

void ModelDescription::validate() const {
  if (spatialDims != 2 && spatialDims != 3) {
    throw badInput(source, "\"spatial_dims\" must be 2 or 3");
  }
  if (inChannels < 1) {
    throw badInput(source, "\"in_channels\" must be at least 1");
  }
  if (axisOrder != "xyz" && axisOrder != "zyx") {
    throw badInput(source, "\"axis_order\" must be \"xyz\" or \"zyx\", not \"" + axisOrder + "\"");
  }
  if (static_cast<int>(patchSize.size()) != spatialDims) {
    throw badInput(source, "\"patch_size\" must have " + std::to_string(spatialDims) + " entries");
  }
  for (const int extent : patchSize) {
    if (extent < 1) {
      throw badInput(source, "\"patch_size\" entries must be positive");
    }
  }
  for (const double step : spacing) {
    if (!(step > 0)) {
      throw badInput(source, "\"spacing\" entries must be positive");
    }
  }
  if (interpolation != "bspline" && interpolation != "linear" && interpolation != "nearest") {
    throw badInput(source, "\"interpolation\" must be \"bspline\", \"linear\" or \"nearest\"");
  }
  if (output != "logits" && output != "probabilities") {
    throw badInput(source, "\"output\" must be \"logits\" or \"probabilities\"");
  }
  if (labels.size() < 2) {
    throw badInput(source, "\"labels\" must name at least background and one structure");
  }
  if (normalization.size() > 1 && static_cast<int>(normalization.size()) != inChannels) {
    throw badInput(source, "\"normalization\" must have one entry, or one per input channel");
  }
  for (const int axis : mirrorAxes) {
    if (axis < 0 || axis >= spatialDims) {
      throw badInput(source, "\"mirror_axes\" entries must be spatial axes 0.." + std::to_string(spatialDims - 1));
    }
  }
}

}  // namespace skipseg
