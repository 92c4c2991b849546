#include "skipseg/planning/Dataset.h"

#include "skipseg/core/Error.h"
#include "skipseg/core/Logging.h"

#include "skipseg/io/Geometry.h"
#include "skipseg/io/ImageReader.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <mutex>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace skipseg::planning {
namespace {

// Reads one scalar volume as float with its geometry, through the I/O module (format checks,
// truncation, 4D); errors keep their exit code and gain the case id.
VoxelBuffer readVolume(const std::string& path, const std::string& caseId) {
  if (!fs::exists(path)) {
    throw badInput(path, "case " + caseId + ": file not found");
  }
  try {
    return io::toVoxelBuffer(io::readImage(path).image.GetPointer());
  } catch (const Error& error) {
    throw Error(error.code(), std::string(error.what()) + " (case " + caseId + ")");
  }
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n\"");
  if (first == std::string::npos) {
    return "";
  }
  const auto last = text.find_last_not_of(" \t\r\n\"");
  return text.substr(first, last - first + 1);
}

std::vector<std::string> splitCsvLine(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  std::string field;
  while (std::getline(stream, field, ',')) {
    fields.push_back(trim(field));
  }
  return fields;
}

Dataset readNnunetLayout(const fs::path& folder) {
  const std::string jsonPath = (folder / "dataset.json").string();
  const Json json = readJsonFile(jsonPath);
  Dataset dataset;
  dataset.source = folder.string();
  dataset.layout = "nnunet";
  const Json channels = requireJsonValue<Json>(json, "channel_names", jsonPath);
  for (std::size_t c = 0; c < channels.size(); ++c) {
    const std::string key = std::to_string(c);
    if (!channels.contains(key) || !channels.at(key).is_string()) {
      throw badInput(jsonPath,
                     "channel_names must name channels \"0\" .. \"" + std::to_string(channels.size() - 1) + "\"");
    }
    dataset.channelNames.push_back(channels.at(key).get<std::string>());
  }
  if (dataset.channelNames.empty()) {
    throw badInput(jsonPath, "channel_names is empty");
  }
  const Json labels = requireJsonValue<Json>(json, "labels", jsonPath);
  if (!labels.is_object()) {
    throw badInput(jsonPath, "labels must map names to ids");
  }
  for (const auto& [name, value] : labels.items()) {
    if (!value.is_number_integer()) {
      throw badInput(jsonPath,
                     "label \"" + name + "\" must have an integer id (region-based labels are not supported)");
    }
    LabelInfo label;
    label.id = value.get<int>();
    label.name = name;
    label.color = defaultLabelColor(label.id);
    dataset.labels.push_back(label);
  }
  std::sort(dataset.labels.begin(), dataset.labels.end(),
            [](const LabelInfo& a, const LabelInfo& b) { return a.id < b.id; });
  if (dataset.labels.empty() || dataset.labels.front().id != 0) {
    throw badInput(jsonPath, "labels must include background with id 0");
  }
  const std::string ending = json.value("file_ending", std::string(".nii.gz"));
  const fs::path labelFolder = folder / "labelsTr";
  if (!fs::is_directory(labelFolder)) {
    throw badInput(labelFolder.string(), "folder not found");
  }
  std::vector<std::string> ids;
  for (const auto& entry : fs::directory_iterator(labelFolder)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > ending.size() && name.compare(name.size() - ending.size(), ending.size(), ending) == 0) {
      ids.push_back(name.substr(0, name.size() - ending.size()));
    }
  }
  std::sort(ids.begin(), ids.end());
  for (const auto& id : ids) {
    DatasetCase datasetCase;
    datasetCase.id = id;
    datasetCase.labelPath = (labelFolder / (id + ending)).string();
    for (std::size_t c = 0; c < dataset.channelNames.size(); ++c) {
      std::ostringstream name;
      name << id << '_' << std::setw(4) << std::setfill('0') << c << ending;
      datasetCase.imagePaths.push_back((folder / "imagesTr" / name.str()).string());
    }
    dataset.cases.push_back(datasetCase);
  }
  if (json.contains("numTraining") && json.at("numTraining").is_number_integer() &&
      json.at("numTraining").get<std::size_t>() != dataset.cases.size()) {
    throw badInput(jsonPath, "numTraining is " + std::to_string(json.at("numTraining").get<long long>()) +
                                 " but labelsTr holds " + std::to_string(dataset.cases.size()) + " label maps");
  }
  return dataset;
}

Dataset readCsvManifest(const fs::path& csvPath) {
  std::ifstream stream(csvPath);
  if (!stream) {
    throw badInput(csvPath.string(), "cannot read");
  }
  Dataset dataset;
  dataset.source = csvPath.string();
  dataset.layout = "csv";
  dataset.labelsFromData = true;
  std::string line;
  if (!std::getline(stream, line)) {
    throw badInput(csvPath.string(), "empty manifest");
  }
  const auto header = splitCsvLine(line);
  if (header.size() < 3 || header.front() != "case" || header.back() != "label") {
    throw badInput(csvPath.string(), "header must be \"case,<channel name>...,label\"");
  }
  dataset.channelNames.assign(header.begin() + 1, header.end() - 1);
  const fs::path base = csvPath.parent_path();
  auto resolve = [&](const std::string& path) { return fs::path(path).is_absolute() ? path : (base / path).string(); };
  int lineNumber = 1;
  while (std::getline(stream, line)) {
    ++lineNumber;
    if (trim(line).empty()) {
      continue;
    }
    const auto fields = splitCsvLine(line);
    if (fields.size() != header.size()) {
      throw badInput(csvPath.string(), "line " + std::to_string(lineNumber) + ": " + std::to_string(fields.size()) +
                                           " fields, the header has " + std::to_string(header.size()));
    }
    DatasetCase datasetCase;
    datasetCase.id = fields.front();
    for (std::size_t c = 1; c + 1 < fields.size(); ++c) {
      datasetCase.imagePaths.push_back(resolve(fields[c]));
    }
    datasetCase.labelPath = resolve(fields.back());
    dataset.cases.push_back(datasetCase);
  }
  dataset.labels.push_back(LabelInfo{0, "background", defaultLabelColor(0)});
  return dataset;
}

}  // namespace

const DatasetCase& Dataset::findCase(const std::string& id) const {
  for (const auto& datasetCase : cases) {
    if (datasetCase.id == id) {
      return datasetCase;
    }
  }
  throw badInput(source, "no case \"" + id + "\"");
}

Json Dataset::toJson() const {
  Json json;
  json["source"] = source;
  json["layout"] = layout;
  json["channel_names"] = channelNames;
  Json labelList = Json::array();
  for (const auto& label : labels) {
    labelList.push_back({{"id", label.id}, {"name", label.name}, {"color", label.color}});
  }
  json["labels"] = labelList;
  Json caseList = Json::array();
  for (const auto& datasetCase : cases) {
    caseList.push_back({{"id", datasetCase.id}, {"images", datasetCase.imagePaths}, {"label", datasetCase.labelPath}});
  }
  json["cases"] = caseList;
  return json;
}

Dataset Dataset::fromJson(const Json& json, const std::string& source) {
  Dataset dataset;
  try {
    dataset.source = json.at("source").get<std::string>();
    dataset.layout = json.at("layout").get<std::string>();
    dataset.channelNames = json.at("channel_names").get<std::vector<std::string>>();
    for (const auto& label : json.at("labels")) {
      dataset.labels.push_back(LabelInfo{label.at("id").get<int>(), label.at("name").get<std::string>(),
                                         label.at("color").get<std::array<double, 3>>()});
    }
    for (const auto& entry : json.at("cases")) {
      dataset.cases.push_back(DatasetCase{entry.at("id").get<std::string>(),
                                          entry.at("images").get<std::vector<std::string>>(),
                                          entry.at("label").get<std::string>()});
    }
  } catch (const nlohmann::json::exception& error) {
    throw badInput(source, std::string("dataset section is malformed: ") + error.what());
  }
  return dataset;
}

Dataset readDataset(const std::string& path) {
  // Absolute from here on: the plans record every case's files, and skipseg-train may run in another
  // folder than skipseg-plan did.
  const fs::path location = fs::absolute(path).lexically_normal();
  if (fs::is_directory(location)) {
    if (!fs::exists(location / "dataset.json")) {
      throw badInput(path, "not a dataset folder: dataset.json not found");
    }
    return readNnunetLayout(location);
  }
  if (!fs::exists(location)) {
    throw badInput(path, "not found");
  }
  if (location.extension() == ".csv") {
    return readCsvManifest(location);
  }
  throw badInput(path, "expected a dataset folder with dataset.json or a .csv manifest");
}

void checkDataset(Dataset& dataset) {
  if (dataset.cases.empty()) {
    throw badInput(dataset.source, "no training cases");
  }
  std::set<int> known;
  for (const auto& label : dataset.labels) {
    known.insert(label.id);
  }
  std::set<int> found;
  for (const auto& datasetCase : dataset.cases) {
    if (datasetCase.imagePaths.size() != dataset.channelNames.size()) {
      throw badInput(dataset.source, "case " + datasetCase.id + ": wrong number of channels");
    }
    for (const auto& path : datasetCase.imagePaths) {
      if (!fs::exists(path)) {
        throw badInput(path, "case " + datasetCase.id + ": image file not found");
      }
    }
    const VoxelBuffer label = readVolume(datasetCase.labelPath, datasetCase.id);
    for (const auto& path : datasetCase.imagePaths) {
      const VoxelBuffer image = readVolume(path, datasetCase.id);
      if (!image.geometry.sameGrid(label.geometry)) {
        throw badInput(path, "case " + datasetCase.id + ": image grid " + image.geometry.describe() +
                                 " differs from the label grid " + label.geometry.describe());
      }
    }
    std::set<int> values;
    for (float value : label.values) {
      if (value != std::round(value) || value < 0) {
        throw badInput(datasetCase.labelPath, "case " + datasetCase.id + ": label value " + std::to_string(value) +
                                                  " is not a non-negative integer");
      }
      values.insert(static_cast<int>(value));
    }
    for (int value : values) {
      if (!dataset.labelsFromData && known.count(value) == 0) {
        throw badInput(datasetCase.labelPath,
                       "case " + datasetCase.id + ": label value " + std::to_string(value) + " is not in dataset.json");
      }
      found.insert(value);
    }
  }
  if (dataset.labelsFromData) {
    for (int id : found) {
      if (known.insert(id).second) {
        dataset.labels.push_back(LabelInfo{id, "label_" + std::to_string(id), defaultLabelColor(id)});
      }
    }
  }
  spdlog::info("dataset {}: {} cases, {} channels, {} labels, checked", dataset.source, dataset.cases.size(),
               dataset.channelNames.size(), dataset.labels.size());
}

LoadedCase loadCase(const DatasetCase& datasetCase) {
  LoadedCase loaded;
  loaded.label = readVolume(datasetCase.labelPath, datasetCase.id);
  loaded.image = VoxelBuffer(loaded.label.geometry, datasetCase.imagePaths.size());
  for (std::size_t c = 0; c < datasetCase.imagePaths.size(); ++c) {
    const VoxelBuffer channel = readVolume(datasetCase.imagePaths[c], datasetCase.id);
    if (!channel.geometry.sameGrid(loaded.label.geometry)) {
      throw badInput(datasetCase.imagePaths[c], "case " + datasetCase.id + ": image grid differs from the label grid");
    }
    std::copy(channel.values.begin(), channel.values.end(), loaded.image.channel(c));
  }
  return loaded;
}

}  // namespace skipseg::planning
