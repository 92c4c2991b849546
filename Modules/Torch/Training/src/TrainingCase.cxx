#include "skipseg/training/TrainingCase.h"

#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/Error.h"

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace skipseg::training {
namespace {

template <typename T>
void writeRaw(const std::string& path, const std::vector<T>& values) {
  AtomicOutput output(path);
  {
    std::ofstream stream(output.temporaryPath(), std::ios::binary);
    stream.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(T)));
    if (!stream) {
      throw outputFailed(path, "cannot write");
    }
  }
  output.commit();
}

template <typename T>
std::vector<T> readRaw(const std::string& path, std::size_t count) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    throw badInput(path, "cannot read cached case");
  }
  std::vector<T> values(count);
  stream.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(count * sizeof(T)));
  if (stream.gcount() != static_cast<std::streamsize>(count * sizeof(T))) {
    throw badInput(path, "cached case is truncated");
  }
  return values;
}

std::string stem(const std::string& folder, const std::string& id) {
  return (fs::path(folder) / id).string();
}

}  // namespace

std::string writeCachedCase(const std::string& folder, const TrainingCase& trainingCase, const Json& extra) {
  if (trainingCase.image.size() != static_cast<std::size_t>(trainingCase.channels * trainingCase.voxelCount()) ||
      trainingCase.labels.size() != static_cast<std::size_t>(trainingCase.voxelCount())) {
    throw internalError("case " + trainingCase.id + ": buffer sizes do not match its shape");
  }
  const std::string base = stem(folder, trainingCase.id);
  writeRaw(base + "_image.f32", trainingCase.image);
  writeRaw(base + "_label.u8", trainingCase.labels);
  Json json;
  json["id"] = trainingCase.id;
  json["channels"] = trainingCase.channels;
  json["shape_zyx"] = trainingCase.shape;
  json["size"] = trainingCase.geometry.size;
  json["spacing"] = trainingCase.geometry.spacing;
  json["origin"] = trainingCase.geometry.origin;
  json["direction"] = trainingCase.geometry.direction;
  json["extra"] = extra;
  // The sidecar goes last: its presence marks a complete case.
  writeJsonFile(base + ".json", json);
  return base + ".json";
}

TrainingCase readCachedCase(const std::string& folder, const std::string& id) {
  const std::string base = stem(folder, id);
  const Json json = readJsonFile(base + ".json");
  TrainingCase trainingCase;
  trainingCase.id = id;
  trainingCase.channels = requireJsonValue<std::int64_t>(json, "channels", base + ".json");
  trainingCase.shape = requireJsonValue<std::array<std::int64_t, 3>>(json, "shape_zyx", base + ".json");
  trainingCase.geometry.size = requireJsonValue<std::array<std::size_t, 3>>(json, "size", base + ".json");
  trainingCase.geometry.spacing = requireJsonValue<std::array<double, 3>>(json, "spacing", base + ".json");
  trainingCase.geometry.origin = requireJsonValue<std::array<double, 3>>(json, "origin", base + ".json");
  trainingCase.geometry.direction = requireJsonValue<std::array<double, 9>>(json, "direction", base + ".json");
  trainingCase.image =
      readRaw<float>(base + "_image.f32", static_cast<std::size_t>(trainingCase.channels * trainingCase.voxelCount()));
  trainingCase.labels = readRaw<std::uint8_t>(base + "_label.u8", static_cast<std::size_t>(trainingCase.voxelCount()));
  return trainingCase;
}

bool cachedCaseIsCurrent(const std::string& folder, const std::string& id, const Json& extra) {
  const std::string base = stem(folder, id);
  if (!fs::exists(base + ".json") || !fs::exists(base + "_image.f32") || !fs::exists(base + "_label.u8")) {
    return false;
  }
  try {
    const Json json = readJsonFile(base + ".json");
    return json.contains("extra") && json.at("extra") == extra;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace skipseg::training
