#pragma once
// Where a process stands in a distributed job, as launchers describe it: torchrun sets RANK, WORLD_SIZE,
// LOCAL_RANK, MASTER_ADDR and MASTER_PORT; a Slurm script sets the same from SLURM_PROCID, SLURM_NTASKS,
// SLURM_LOCALID and the first host of SLURM_JOB_NODELIST (Pipelines/slurm/skipseg-train.sbatch).
// No Torch here: the program reads it before anything is built.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace skipseg::distributed {

struct LaunchEnvironment {
  int rank = 0;
  int worldSize = 1;
  int localRank = 0;  ///< the process's index on its machine: picks the GPU
  std::string masterAddress = "127.0.0.1";
  int masterPort = 29500;
  /// torchrun's agent already serves the store at MASTER_ADDR:MASTER_PORT (TORCHELASTIC_USE_AGENT_STORE):
  /// rank 0 then connects to it instead of serving one.
  bool agentServesStore = false;
  /// Prefix of this attempt's keys in the store (torchrun restarts a job in the same store).
  std::string storePrefix = "skipseg/0/";
};

/// Reads the variables through `lookup` (getenv by default). Empty when WORLD_SIZE is not set (no
/// launcher); a usage error naming the variable when one is missing or malformed, or RANK is out of range.
std::optional<LaunchEnvironment> launchEnvironmentFromVariables(
    const std::function<std::optional<std::string>(const std::string&)>& lookup = {});

}  // namespace skipseg::distributed
