#include "skipseg/model/SkipSegModelFile.h"

#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/UtcTime.h"
#include "skipseg/core/Version.h"

#include <ATen/ATen.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>

namespace skipseg::model {
namespace {

constexpr const char* kManifestRecord = "skipseg-model.json";

const std::map<std::string, at::ScalarType>& dtypeNames() {
  static const std::map<std::string, at::ScalarType> names{
      {"float32", at::kFloat}, {"float64", at::kDouble}, {"float16", at::kHalf}, {"bfloat16", at::kBFloat16},
      {"int64", at::kLong},    {"int32", at::kInt},      {"int16", at::kShort},  {"int8", at::kChar},
      {"uint8", at::kByte},    {"bool", at::kBool}};
  return names;
}

std::string dtypeName(at::ScalarType type) {
  for (const auto& entry : dtypeNames()) {
    if (entry.second == type) {
      return entry.first;
    }
  }
  throw internalError(std::string("no SkipSeg model file name for dtype ") + c10::toString(type));
}

// Parameters and buffers by name, in the network's own order.
std::vector<std::pair<std::string, std::pair<at::Tensor, bool>>> namedTensors(nn::SegmentationNetwork& network) {
  std::vector<std::pair<std::string, std::pair<at::Tensor, bool>>> tensors;
  for (const auto& item : network.named_parameters(true)) {
    tensors.push_back({item.key(), {item.value(), true}});
  }
  for (const auto& item : network.named_buffers(true)) {
    tensors.push_back({item.key(), {item.value(), false}});
  }
  return tensors;
}

}  // namespace

void saveSkipSegModel(const std::string& path, nn::SegmentationNetwork& network, const ModelDescription& description) {
  saveSkipSegModel(path, std::vector<NamedNetwork>{{"model", &network}}, description);
}

void saveSkipSegModel(const std::string& path, const std::vector<NamedNetwork>& members,
                      const ModelDescription& description) {
  if (members.empty()) {
    throw internalError("saveSkipSegModel without a network");
  }
  description.validate();
  Json manifest;
  manifest["format"] = kSkipSegModelFormat;
  Json describedAs = description.toJson();
  describedAs.erase("format");  // the skipseg.json tag; this file has its own
  describedAs["provenance"]["skipseg_version"] = version();
  describedAs["provenance"]["saved_at"] = skipseg::utcNow();
  manifest["description"] = describedAs;
  manifest["members"] = Json::array();

  std::vector<std::pair<std::string, at::Tensor>> records;
  for (size_t m = 0; m < members.size(); ++m) {
    Json member;
    member["name"] = members[m].name;
    member["network"] = members[m].network->configuration();
    member["tensors"] = Json::array();
    for (const auto& item : namedTensors(*members[m].network)) {
      const at::Tensor tensor = item.second.first.detach().to(at::kCPU).contiguous();
      const std::string record = "tensors/" + std::to_string(m) + "/" + std::to_string(records.size());
      member["tensors"].push_back({{"name", item.first},
                                   {"kind", item.second.second ? "parameter" : "buffer"},
                                   {"dtype", dtypeName(tensor.scalar_type())},
                                   {"shape", tensor.sizes().vec()},
                                   {"record", record}});
      records.emplace_back(record, tensor);
    }
    manifest["members"].push_back(member);
  }

  AtomicOutput output(path);
  {
    std::ofstream file(output.temporaryPath(), std::ios::binary);
    if (!file) {
      throw outputFailed(path, "cannot write");
    }
    try {
      caffe2::serialize::PyTorchStreamWriter writer([&](const void* data, size_t size) -> size_t {
        file.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
        return file ? size : 0;
      });
      const std::string manifestText = manifest.dump(2);
      writer.writeRecord(kManifestRecord, manifestText.data(), manifestText.size());
      for (const auto& record : records) {
        writer.writeRecord(record.first, record.second.data_ptr(), record.second.nbytes());
      }
      writer.writeEndOfFile();
    } catch (const c10::Error& error) {
      throw outputFailed(path, "cannot write the model file");
    }
    file.flush();
    if (!file) {
      throw outputFailed(path, "cannot write (disk full?)");
    }
  }
  output.commit();
}

bool looksLikeSkipSegModel(const std::string& path) {
  try {
    std::ifstream file(path, std::ios::binary);
    char head[2] = {0, 0};
    if (!file.read(head, 2) || head[0] != 'P' || head[1] != 'K') {
      return false;
    }
    caffe2::serialize::PyTorchStreamReader reader(path);
    return reader.hasRecord(kManifestRecord);
  } catch (const std::exception&) {
    return false;
  }
}

std::vector<ImportedNetwork> readSkipSegModel(const std::string& path) {
  std::unique_ptr<caffe2::serialize::PyTorchStreamReader> reader;
  Json manifest;
  try {
    reader = std::make_unique<caffe2::serialize::PyTorchStreamReader>(path);
    if (!reader->hasRecord(kManifestRecord)) {
      throw badInput(path, "not a SkipSeg model file (no skipseg-model.json)");
    }
    at::DataPtr data;
    size_t size = 0;
    std::tie(data, size) = reader->getRecord(kManifestRecord);
    manifest = Json::parse(std::string(static_cast<const char*>(data.get()), size));
  } catch (const skipseg::Error&) {
    throw;
  } catch (const std::exception& error) {
    throw badInput(path, "corrupt SkipSeg model file: " + oneLine(std::string(error.what()).substr(0, 200)));
  }
  const std::string format = manifest.value("format", std::string());
  if (format.rfind("skipseg-model/", 0) != 0) {
    throw badInput(path, "not a SkipSeg model file (format \"" + format + "\")");
  }
  if (format != kSkipSegModelFormat) {
    throw unsupported(
        path, "model file format " + format + " is newer than this SkipSeg reads (" + kSkipSegModelFormat + ")");
  }
  const ModelDescription description = ModelDescription::fromJson(manifest.value("description", Json()), path);
  std::vector<ImportedNetwork> networks;
  try {
    for (const auto& member : manifest.at("members")) {
      ImportedNetwork entry;
      entry.name = member.value("name", std::string("model"));
      entry.description = description;
      entry.description.source = path;
      entry.network = nn::createNetwork(member.at("network"));
      std::map<std::string, at::Tensor> targets;
      for (const auto& item : namedTensors(*entry.network)) {
        targets.emplace(item.first, item.second.first);
      }
      torch::NoGradGuard noGradients;
      for (const auto& stored : member.at("tensors")) {
        const auto name = stored.at("name").get<std::string>();
        const auto target = targets.find(name);
        if (target == targets.end()) {
          throw badInput(path, "tensor \"" + name + "\" has no place in the " +
                                   member.at("network").value("architecture", std::string()) + " network");
        }
        const auto dtype = dtypeNames().find(stored.at("dtype").get<std::string>());
        const auto shape = stored.at("shape").get<std::vector<int64_t>>();
        if (dtype == dtypeNames().end() || at::IntArrayRef(shape) != target->second.sizes()) {
          throw badInput(path, "tensor \"" + name + "\" has another dtype or shape than the network's");
        }
        at::DataPtr data;
        size_t size = 0;
        std::tie(data, size) = reader->getRecord(stored.at("record").get<std::string>());
        auto loaded = at::empty(shape, at::TensorOptions().dtype(dtype->second));
        if (size != loaded.nbytes()) {
          throw badInput(path, "tensor \"" + name + "\" has " + std::to_string(size) + " bytes instead of " +
                                   std::to_string(loaded.nbytes()));
        }
        std::memcpy(loaded.data_ptr(), data.get(), size);
        target->second.set_data(loaded);
        targets.erase(target);
      }
      if (!targets.empty()) {
        throw badInput(path, "tensor \"" + targets.begin()->first + "\" is missing");
      }
      entry.network->eval();
      networks.push_back(std::move(entry));
    }
  } catch (const skipseg::Error&) {
    throw;
  } catch (const std::exception& error) {
    throw badInput(path, "corrupt SkipSeg model file: " + oneLine(std::string(error.what()).substr(0, 200)));
  }
  if (networks.empty()) {
    throw badInput(path, "the model file holds no network");
  }
  return networks;
}

}  // namespace skipseg::model
