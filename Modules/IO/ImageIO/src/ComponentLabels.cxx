#include "skipseg/io/ComponentLabels.h"

#include "skipseg/core/Error.h"
#include "skipseg/core/JsonFile.h"
#include "skipseg/io/ImageFormats.h"

#include <itkMetaDataObject.h>

#include <filesystem>

namespace skipseg::io {
namespace {

std::string nameKey(std::size_t component) {
  return "Component" + std::to_string(component) + "_Name";
}

std::string valueKey(std::size_t component) {
  return "Component" + std::to_string(component) + "_LabelValue";
}

}  // namespace

std::string componentLabelsSidecarPath(const std::string& imagePath) {
  const ImageFormat* format = imageFormatOfPath(imagePath);
  if (format == nullptr || !format->writable || format->componentNamesInHeader) {
    return "";
  }
  return withoutImageExtension(imagePath) + ".components.json";
}

void putComponentLabels(const std::vector<ComponentLabel>& components, itk::MetaDataDictionary& dictionary) {
  for (std::size_t c = 0; c < components.size(); ++c) {
    itk::EncapsulateMetaData<std::string>(dictionary, nameKey(c), components[c].name);
    itk::EncapsulateMetaData<std::string>(dictionary, valueKey(c), std::to_string(components[c].value));
  }
}

void writeComponentLabelsSidecar(const std::vector<ComponentLabel>& components, const std::string& imagePath) {
  const std::string sidecar = componentLabelsSidecarPath(imagePath);
  if (sidecar.empty()) {
    return;
  }
  Json list = Json::array();
  for (std::size_t c = 0; c < components.size(); ++c) {
    list.push_back({{"component", c}, {"name", components[c].name}, {"label_value", components[c].value}});
  }
  writeJsonFile(sidecar, Json{{"format", "skipseg-components/1"},
                              {"image", std::filesystem::path(imagePath).filename().string()},
                              {"components", list}});
}

std::vector<ComponentLabel> readComponentLabels(const std::string& imagePath,
                                                const itk::MetaDataDictionary& dictionary) {
  std::vector<ComponentLabel> components;
  const std::string sidecar = componentLabelsSidecarPath(imagePath);
  if (!sidecar.empty()) {
    if (!std::filesystem::exists(sidecar)) {
      return components;
    }
    const Json json = readJsonFile(sidecar);
    try {
      for (const auto& entry : json.at("components")) {
        components.push_back({entry.at("name").get<std::string>(), entry.at("label_value").get<int>()});
      }
    } catch (const Json::exception& error) {
      throw badInput(sidecar, std::string("malformed component list: ") + error.what());
    }
    return components;
  }
  for (std::size_t c = 0;; ++c) {
    ComponentLabel component;
    std::string value;
    if (!itk::ExposeMetaData<std::string>(dictionary, nameKey(c), component.name)) {
      break;
    }
    if (itk::ExposeMetaData<std::string>(dictionary, valueKey(c), value)) {
      try {
        component.value = std::stoi(value);
      } catch (const std::exception&) {
        throw badInput(imagePath, valueKey(c) + " is not an integer: \"" + value + "\"");
      }
    }
    components.push_back(component);
  }
  return components;
}

}  // namespace skipseg::io
