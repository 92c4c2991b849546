#include "skipseg/core/Error.h"
#include "skipseg/nn/SegmentationNetwork.h"
#include "skipseg/nn/architectures/TransUNet.h"
#include "skipseg/nn/architectures/UNet.h"
#include "skipseg/nn/architectures/UNetPlusPlus.h"
#include "skipseg/nn/nnunet/DynamicUNet.h"

#include <algorithm>
#include <map>
#include <mutex>

namespace skipseg::nn {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, NetworkFactory> factories;
};

// Built-in architectures, listed explicitly (see SegmentationNetwork.h for why).
void addBuiltIns(std::map<std::string, NetworkFactory>& factories) {
  factories["nnunet"] = factories["nnunet_resenc"] = nnunet::makeDynamicUNet;
  factories["unet"] = makeUNet;
  factories["resunet"] = makeResUNet;
  factories["unetpp"] = makeUNetPlusPlus;
  factories["transunet"] = makeTransUNet;
}

Registry& registry() {
  static Registry instance;
  static std::once_flag builtInsAdded;
  std::call_once(builtInsAdded, [] { addBuiltIns(instance.factories); });
  return instance;
}

}  // namespace

std::shared_ptr<SegmentationNetwork> createNetwork(const nlohmann::json& configuration) {
  if (!configuration.is_object() || !configuration.contains("architecture") ||
      !configuration.at("architecture").is_string()) {
    throw badInput("network configuration", "missing \"architecture\"");
  }
  const std::string name = configuration.at("architecture").get<std::string>();
  NetworkFactory factory;
  {
    auto& instance = registry();
    std::lock_guard<std::mutex> lock(instance.mutex);
    const auto found = instance.factories.find(name);
    if (found == instance.factories.end()) {
      std::string known;
      for (const auto& entry : instance.factories) {
        known += (known.empty() ? "" : ", ") + entry.first;
      }
      throw badInput("network configuration", "unknown architecture \"" + name + "\" (known: " + known + ")");
    }
    factory = found->second;
  }
  return factory(configuration);
}

bool registerArchitecture(const std::string& name, NetworkFactory factory) {
  auto& instance = registry();
  std::lock_guard<std::mutex> lock(instance.mutex);
  instance.factories[name] = std::move(factory);
  return true;
}

std::vector<std::string> registeredArchitectures() {
  auto& instance = registry();
  std::lock_guard<std::mutex> lock(instance.mutex);
  std::vector<std::string> names;
  for (const auto& entry : instance.factories) {
    names.push_back(entry.first);
  }
  return names;
}

}  // namespace skipseg::nn
