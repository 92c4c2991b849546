#include "skipseg/distributed/LaunchEnvironment.h"

#include "skipseg/core/Error.h"

#include <cstdlib>

namespace skipseg::distributed {
namespace {

std::optional<std::string> environmentVariable(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value ? std::optional<std::string>(value) : std::nullopt;
}

int integerVariable(const std::function<std::optional<std::string>(const std::string&)>& lookup,
                    const std::string& name, int minimum, int maximum) {
  const auto text = lookup(name);
  if (!text) {
    throw usageError("distributed training needs " + name +
                     " (set by torchrun, or by a Slurm script from SLURM_PROCID/SLURM_NTASKS/SLURM_LOCALID)");
  }
  std::size_t used = 0;
  int value = 0;
  try {
    value = std::stoi(*text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text->size() || value < minimum || value > maximum) {
    throw usageError(name + "=\"" + *text + "\" is not an integer in " + std::to_string(minimum) + ".." +
                     std::to_string(maximum));
  }
  return value;
}

}  // namespace

std::optional<LaunchEnvironment> launchEnvironmentFromVariables(
    const std::function<std::optional<std::string>(const std::string&)>& lookup) {
  const auto get = lookup ? lookup : environmentVariable;
  if (!get("WORLD_SIZE")) {
    return std::nullopt;
  }
  LaunchEnvironment environment;
  environment.worldSize = integerVariable(get, "WORLD_SIZE", 1, 1 << 20);
  environment.rank = integerVariable(get, "RANK", 0, environment.worldSize - 1);
  environment.localRank = get("LOCAL_RANK") ? integerVariable(get, "LOCAL_RANK", 0, 1 << 16) : 0;
  const auto address = get("MASTER_ADDR");
  if (!address || address->empty()) {
    throw usageError("distributed training needs MASTER_ADDR (the host of rank 0)");
  }
  environment.masterAddress = *address;
  environment.masterPort = integerVariable(get, "MASTER_PORT", 1, 65535);
  environment.agentServesStore = get("TORCHELASTIC_USE_AGENT_STORE").value_or("") == "True";
  environment.storePrefix = "skipseg/" + get("TORCHELASTIC_RESTART_COUNT").value_or("0") + "/";
  return environment;
}

}  // namespace skipseg::distributed
