#pragma once
// What a batch does with each case, behind one interface, so the batch machinery (discovery, journal,
// prefetch, shards, jobs) knows nothing about images or models. skipseg-segment's worker plugs in here.
//
// A worker is created once per job slot (so the model is loaded once per worker), then sees cases one
// after another: load() reads case n+1 on a prefetch thread while process() computes case n on the
// worker's own thread. So load() must not touch state that process() changes; both may read what
// the constructor (model loading) set up.
#include "skipseg/batch/CaseSpec.h"
#include "skipseg/cli/ProgramDescription.h"
#include "skipseg/core/JsonFile.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace skipseg::batch {

/// A case read into memory by CaseWorker::load(), handed to CaseWorker::process().
class PreparedCase {
 public:
  virtual ~PreparedCase() = default;
};

class CaseWorker {
 public:
  virtual ~CaseWorker() = default;
  /// Reads the case's input. Throws skipseg::Error (one line naming the file) for bad input.
  virtual std::unique_ptr<PreparedCase> load(const CaseSpec& spec) = 0;
  /// Computes the result and writes it to `outputPath`, through skipseg::AtomicOutput so that a killed run
  /// never leaves a finished-looking file. Returns details for the journal (e.g. label volumes); may be empty.
  virtual Json process(PreparedCase& prepared, const CaseSpec& spec, const std::string& outputPath) = 0;
};

/// What a worker is made from: the model path and the values of the worker's own options.
struct WorkerSettings {
  std::string model;
  int jobs = 1;  ///< workers running side by side in this process (--jobs): they share the cores
  std::map<std::string, std::vector<std::string>> options;  ///< by Parameter::name, as parsed
};

/// What a worker's model takes, for the checks that concern every case (made before any case runs).
struct ModelInputs {
  int channels = 1;                     ///< images per case
  std::vector<std::string> modalities;  ///< DICOM modalities the model suits (empty: any)
};

/// A kind of worker the batch program can run (`--worker NAME`).
struct WorkerType {
  std::string name;
  std::string description;              ///< one line for --help
  std::string outputExtension;          ///< appended to the case id: ".nii.gz", ".sha256"
  std::vector<cli::Parameter> options;  ///< extra options of the batch program for this worker
  /// Options that do not change results (threads, delays): left out of the options fingerprint, so
  /// changing them does not redo finished cases.
  std::vector<std::string> optionsNotAffectingResults;
  /// Bumped when the worker's results change for the same inputs (journals then redo everything).
  std::string resultVersion = "1";
  bool needsModel = true;  ///< false: --model is optional (test workers)
  std::function<std::unique_ptr<CaseWorker>(const WorkerSettings&)> create;
  /// What the model takes; empty: one channel, any modality.
  std::function<ModelInputs(const WorkerSettings&)> modelInputs;
};

/// The workers a batch program offers, by name.
class WorkerRegistry {
 public:
  /// Adds a worker type; throws an internal error when the name is taken.
  void add(WorkerType type);
  /// Throws a usage error listing the known names when `name` is unknown.
  const WorkerType& find(const std::string& name) const;
  const std::vector<WorkerType>& types() const { return types_; }

 private:
  std::vector<WorkerType> types_;
};

}  // namespace skipseg::batch
