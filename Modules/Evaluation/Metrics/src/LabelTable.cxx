#include "skipseg/evaluation/LabelTable.h"

#include "skipseg/core/Error.h"
#include "skipseg/core/JsonFile.h"
#include "skipseg/core/ModelArchive.h"
#include "skipseg/io/ImageFormats.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace skipseg::evaluation {
namespace {

int parseLabelId(const std::string& key, const std::string& path) {
  std::size_t used = 0;
  int id = -1;
  try {
    id = std::stoi(key, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != key.size() || id < 0 || id > 65535) {
    throw badInput(path, "label id \"" + key + "\" is not an integer in 0..65535");
  }
  return id;
}

std::vector<LabelInfo> fromJson(const Json& json, const std::string& path) {
  // A skipseg-segment sidecar names the labels in its model description (id -> name and colour).
  const bool sidecar = json.contains("model") && json.at("model").is_object() && json.at("model").contains("labels");
  const Json& labels = sidecar ? json.at("model").at("labels") : json.contains("labels") ? json.at("labels") : json;
  if (!labels.is_object()) {
    throw badInput(path, "labels must be a JSON object mapping ids to names");
  }
  std::vector<LabelInfo> table;
  for (const auto& item : labels.items()) {
    LabelInfo info;
    if (item.value().is_number_integer()) {
      // nnU-Net's dataset.json: name -> id.
      info.id = parseLabelId(std::to_string(item.value().get<long long>()), path);
      info.name = item.key();
      info.color = defaultLabelColor(info.id);
      table.push_back(info);
      continue;
    }
    if (item.value().is_array()) {
      throw unsupported(
          path, "label \"" + item.key() + "\" is a region (a list of ids): region-based labels are not supported");
    }
    info.id = parseLabelId(item.key(), path);
    info.color = defaultLabelColor(info.id);
    if (item.value().is_string()) {
      info.name = item.value().get<std::string>();
    } else if (item.value().is_object() && item.value().contains("name") && item.value().at("name").is_string()) {
      info.name = item.value().at("name").get<std::string>();
      const Json color = item.value().value("color", Json::array());
      if (color.is_array() && color.size() == 3 && color[0].is_number()) {
        info.color = {color[0].get<double>(), color[1].get<double>(), color[2].get<double>()};
      }
    } else {
      throw badInput(path, "label " + item.key() + " has neither a name nor {\"name\": ...}");
    }
    table.push_back(info);
  }
  return table;
}

std::vector<LabelInfo> fromColorTable(std::istream& input, const std::string& path) {
  std::vector<LabelInfo> table;
  std::string line;
  int lineNumber = 0;
  while (std::getline(input, line)) {
    ++lineNumber;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') {
      continue;
    }
    std::istringstream fields(line);
    LabelInfo info;
    double red = 0, green = 0, blue = 0;
    if (!(fields >> info.id >> info.name >> red >> green >> blue) || info.id < 0 || info.id > 65535) {
      throw badInput(path, "line " + std::to_string(lineNumber) + " is not \"id name red green blue [alpha]\"");
    }
    info.color = {red / 255.0, green / 255.0, blue / 255.0};
    table.push_back(info);
  }
  return table;
}

// skipseg-batch's summary names the model the cases were segmented with: the names are that model's. The
// model path is as the batch was given it: as it stands (relative to the working folder), else relative
// to the summary's folder.
std::vector<LabelInfo> labelTableOfBatch(const Json& summary, const std::string& path) {
  namespace fs = std::filesystem;
  const std::string model = summary.value("model", "");
  if (model.empty()) {
    throw badInput(path, "the skipseg-batch summary names no model (worker " + summary.value("worker", "?") + ")");
  }
  std::error_code error;
  for (const fs::path& candidate : {fs::path(model), fs::path(path).parent_path() / model}) {
    if (fs::exists(candidate, error)) {
      return readLabelTable(candidate.string());
    }
  }
  throw badInput(path, "the skipseg-batch summary names the model " + model + ", which is not there any more");
}

}  // namespace

std::vector<LabelInfo> readLabelTable(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (fs::is_directory(path, error)) {
    // An nnU-Net results folder names its labels in its dataset.json.
    const std::string datasetJson = (fs::path(path) / "dataset.json").string();
    if (!fs::exists(datasetJson, error)) {
      throw badInput(path, "a folder without dataset.json: not an nnU-Net results folder");
    }
    return readLabelTable(datasetJson);
  }
  std::ifstream input(path);
  if (!input) {
    throw badInput(path, "cannot read the label table");
  }
  char first = ' ';
  while (input.get(first) && std::isspace(static_cast<unsigned char>(first))) {
  }
  input.close();
  std::vector<LabelInfo> table;
  if (looksLikeZipArchive(path)) {
    // A SkipSeg .ssm or TorchScript model: the description inside, read without LibTorch.
    table = fromJson(modelDescriptionInArchive(path), path);
  } else if (first == '{') {
    const Json json = readJsonFile(path);
    if (json.value("program", "") == "skipseg-batch") {
      return labelTableOfBatch(json, path);
    }
    table = fromJson(json, path);
  } else {
    std::ifstream text(path);
    table = fromColorTable(text, path);
  }
  table.erase(std::remove_if(table.begin(), table.end(), [](const LabelInfo& info) { return info.id == 0; }),
              table.end());
  std::sort(table.begin(), table.end(), [](const LabelInfo& a, const LabelInfo& b) { return a.id < b.id; });
  if (table.empty()) {
    throw badInput(path, "the label table names no structure");
  }
  return table;
}

std::string sidecarPathBeside(const std::string& labelsPath) {
  // "case.nii.gz" -> "case.json", as skipseg-segment names its sidecar.
  return io::withoutImageExtension(labelsPath) + ".json";
}

std::vector<LabelInfo> labelTableBeside(const std::string& labelsPath) {
  const std::string sidecar = sidecarPathBeside(labelsPath);
  std::ifstream probe(sidecar);
  if (!probe) {
    return {};
  }
  try {
    const Json json = readJsonFile(sidecar);
    if (!json.contains("model") || !json.at("model").contains("labels")) {
      return {};  // some other JSON: not ours to interpret
    }
    return readLabelTable(sidecar);
  } catch (const Error&) {
    return {};  // an unreadable sidecar never stops an evaluation: the ids are used as names
  }
}

std::string labelName(const std::vector<LabelInfo>& table, int label) {
  for (const auto& info : table) {
    if (info.id == label) {
      return info.name;
    }
  }
  return "label_" + std::to_string(label);
}

}  // namespace skipseg::evaluation
