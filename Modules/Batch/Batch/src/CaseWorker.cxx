#include "skipseg/batch/CaseWorker.h"

#include "skipseg/core/Error.h"

namespace skipseg::batch {

void WorkerRegistry::add(WorkerType type) {
  for (const auto& known : types_) {
    if (known.name == type.name) {
      throw internalError("batch worker \"" + type.name + "\" registered twice");
    }
  }
  if (!type.create) {
    throw internalError("batch worker \"" + type.name + "\" has no factory");
  }
  types_.push_back(std::move(type));
}

const WorkerType& WorkerRegistry::find(const std::string& name) const {
  std::string known;
  for (const auto& type : types_) {
    if (type.name == name) {
      return type;
    }
    known += (known.empty() ? "" : ", ") + type.name;
  }
  throw usageError("--worker: unknown worker \"" + name + "\" (known: " + (known.empty() ? "none" : known) + ")");
}

}  // namespace skipseg::batch
