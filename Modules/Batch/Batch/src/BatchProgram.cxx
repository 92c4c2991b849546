#include "skipseg/batch/BatchProgram.h"

#include "skipseg/batch/BatchRunner.h"
#include "skipseg/batch/CaseDiscovery.h"
#include "skipseg/batch/DicomExport.h"
#include "skipseg/batch/Fingerprint.h"
#include "skipseg/batch/Journal.h"
#include "skipseg/batch/Shard.h"
#include "skipseg/batch/SummaryMerge.h"
#include "skipseg/cli/RunProgram.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/Logging.h"
#include "skipseg/core/OutputCheck.h"
#include "skipseg/core/Progress.h"
#include "skipseg/core/UtcTime.h"
#include "skipseg/core/Version.h"
#include "skipseg/io/ImageFormats.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace skipseg::batch {
namespace {

using cli::ParameterKind;

std::string summaryFileName(const Shard& shard) {
  if (shard.isWhole()) {
    return "skipseg-summary.json";
  }
  return "skipseg-summary.shard-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count) + ".json";
}

std::string hostName() {
  char name[256] = {};
  return gethostname(name, sizeof(name) - 1) == 0 ? std::string(name) : std::string();
}

int mergeMain(const cli::ParsedOptions& options) {
  if (!options.has("summary")) {
    throw usageError("--merge needs --summary, the file to write the merged summary to");
  }
  std::vector<std::pair<std::string, Json>> summaries;
  for (const auto& path : options.strings("merge")) {
    summaries.emplace_back(path, readJsonFile(path));
  }
  const MergedSummary merged = mergeSummaries(summaries);
  writeJsonFile(options.string("summary"), merged.summary);
  const Json& counts = merged.summary["counts"];
  spdlog::info("merged {} summaries: {} cases, {} done, {} skipped, {} failed -> {}", summaries.size(),
               counts["total"].get<int>(), counts["done"].get<int>(), counts["skipped"].get<int>(),
               counts["failed"].get<int>(), options.string("summary"));
  for (const auto& id : merged.duplicates) {
    spdlog::error("case {} appears in more than one summary", id);
  }
  for (const auto& shard : merged.missingShards) {
    spdlog::error("no summary for shard {}", shard);
  }
  return merged.complete() && counts["failed"].get<int>() == 0 ? 0 : static_cast<int>(ExitCode::Failure);
}

const char* const kSeriesRuleOptions[] = {"modality", "min-slices", "series-description"};

// The cases of a PACS export: every series the scanner finds, through the rules. `report` receives every
// series with why it was taken or left, for the summary.
std::vector<CaseSpec> exportCases(const cli::ParsedOptions& options, const DicomExportScanner& scanner,
                                  const ModelInputs& model, Json& report) {
  const std::string input = options.string("input");
  if (!scanner) {
    throw internalError("this build of skipseg-batch reads no DICOM exports (no series scanner)");
  }
  if (model.channels > 1) {
    throw badInput(input, "the model takes " + std::to_string(model.channels) +
                              " channels but a PACS export gives one series per case: list each case's channels in "
                              "a CSV manifest (case_id,input,output,channel 1,...)");
  }
  SeriesRules rules;
  if (options.has("modality")) {
    rules.modalities = options.strings("modality");
  }
  const long long minimum =
      options.has("min-slices") ? options.integer("min-slices") : static_cast<long long>(rules.minimumFiles);
  if (minimum < 1) {
    throw usageError("--min-slices must be 1 or more, not " + std::to_string(minimum));
  }
  rules.minimumFiles = static_cast<std::size_t>(minimum);
  rules.descriptionPattern = options.stringOr("series-description", "");
  rules.modelModalities = model.modalities;
  spdlog::info("listing the DICOM series of the export {} (every file's header; a DICOMDIR is not needed)", input);
  const SeriesSelection selection = selectSeries(input, scanner(input), rules);
  for (const auto& row : selection.series) {
    if (!row["selected"].get<bool>()) {
      spdlog::info("series {} ({}, \"{}\", {} files): skipped: {}", row["series_instance_uid"].get<std::string>(),
                   row["modality"].get<std::string>(), row["description"].get<std::string>(),
                   row["files"].get<std::size_t>(), row["reason"].get<std::string>());
    }
  }
  report = {{"rules", selection.rules}, {"series", selection.series}};
  return selection.cases;
}

int runMain(const cli::ParsedOptions& options, const WorkerRegistry& workers, const DicomExportScanner& scanner) {
  for (const char* required : {"input", "output-dir"}) {
    if (!options.has(required)) {
      throw usageError(std::string("--") + required + " is required (see --help)");
    }
  }
  const WorkerType& type = workers.find(options.stringOr("worker", "segment"));
  const std::string model = options.stringOr("model", "");
  if (type.needsModel && model.empty()) {
    throw usageError("--model is required (see --help)");
  }
  const Shard shard = parseShard(options.string("shard"));
  const long long jobs = options.integer("jobs");
  if (jobs < 1 || jobs > 256) {
    throw usageError("--jobs must be between 1 and 256, not " + std::to_string(jobs));
  }
  const std::string outputFolder = options.string("output-dir");
  // Before fingerprinting the model and listing the cases: a wrong output place fails at once.
  checkOutputFolder(outputFolder);
  if (options.has("summary")) {
    checkOutputFile(options.string("summary"));
  }

  std::error_code error;
  const bool isExport = options.flag("pacs-export") ||
                        (fs::is_directory(options.string("input"), error) && holdsDicomDir(options.string("input")));
  if (isExport && !options.flag("pacs-export")) {
    spdlog::info("{} holds a DICOMDIR: read as a PACS export, series by series (--pacs-export)",
                 options.string("input"));
  }
  for (const char* rule : kSeriesRuleOptions) {
    if (!isExport && options.has(rule)) {
      throw usageError(std::string("--") + rule + " selects series of a PACS export: add --pacs-export");
    }
  }

  WorkerSettings workerSettings;
  workerSettings.model = model;
  workerSettings.jobs = static_cast<int>(jobs);
  Json resultOptions = Json::object();
  for (const auto& parameter : type.options) {
    if (!options.has(parameter.name)) {
      continue;
    }
    workerSettings.options[parameter.name] = options.strings(parameter.name);
    const auto& ignored = type.optionsNotAffectingResults;
    if (std::find(ignored.begin(), ignored.end(), parameter.name) == ignored.end()) {
      resultOptions[parameter.name] = options.strings(parameter.name);
    }
  }

  BatchSettings settings;
  settings.outputFolder = outputFolder;
  settings.outputExtension = type.outputExtension;
  settings.shard = shard;
  settings.jobs = static_cast<int>(jobs);
  settings.inputFingerprintMode = parseInputFingerprintMode(options.string("input-fingerprint"));
  spdlog::info("fingerprinting the model {}", model.empty() ? "(none)" : model);
  settings.modelFingerprint = modelFingerprint(model);
  const Json fingerprinted = {
      {"worker", type.name}, {"result_version", type.resultVersion}, {"options", resultOptions}};
  settings.optionsFingerprint = optionsFingerprint(fingerprinted);

  const ModelInputs modelInputs = type.modelInputs ? type.modelInputs(workerSettings) : ModelInputs{};
  if (modelInputs.channels > 1) {
    spdlog::info("the model takes {} channels per case", modelInputs.channels);
  }
  Json exportReport;
  const auto allCases = isExport ? exportCases(options, scanner, modelInputs, exportReport)
                                 : findCases(options.string("input"), outputFolder, modelInputs.channels);
  const auto cases = selectShard(allCases, shard);
  spdlog::info("{} cases in {}; shard {} holds {}", allCases.size(), options.string("input"), shard.text(),
               cases.size());

  const std::string startedAt = utcNow();
  auto progress = makeProgressReporter();
  const BatchReport report = runBatch(
      cases, [&] { return type.create(workerSettings); }, settings, *progress);

  Json runInfo = {{"program", "skipseg-batch"},
                  {"version", version()},
                  {"worker", type.name},
                  {"model", model},
                  {"model_fingerprint", settings.modelFingerprint},
                  {"options", fingerprinted},
                  {"options_fingerprint", settings.optionsFingerprint},
                  {"input", options.string("input")},
                  {"output_dir", outputFolder},
                  {"journal", (fs::path(outputFolder) / journalFileName(shard.index, shard.count)).string()},
                  {"shard", {{"index", shard.index}, {"count", shard.count}}},
                  {"jobs", jobs},
                  {"cases_in_input", allCases.size()},
                  {"host", hostName()},
                  {"started_at", startedAt},
                  {"finished_at", utcNow()}};
  const std::string summaryPath =
      options.stringOr("summary", (fs::path(outputFolder) / summaryFileName(shard)).string());
  if (isExport) {
    runInfo["dicom_export"] = exportReport;
  }
  writeJsonFile(summaryPath, report.toSummary(runInfo));
  spdlog::info("batch finished in {:.1f} s: {} done, {} skipped (current), {} failed; summary {}", report.totalSeconds,
               report.done, report.skipped, report.failed, summaryPath);
  return report.failed > 0 ? static_cast<int>(ExitCode::Failure) : 0;
}

}  // namespace

cli::ProgramDescription batchProgramDescription(const WorkerRegistry& workers) {
  cli::ProgramDescription description;
  description.name = "skipseg-batch";
  description.title = "SkipSeg Batch";
  description.description =
      "Runs a worker (by default the segmentation) over every scan of a folder (files and DICOM series folders, "
      "found recursively) or of a CSV manifest (case_id,input[,output]), writing <output-dir>/<case id><extension>. "
      "A journal in the output folder lets a rerun skip cases done with the same input, model and options and redo "
      "the rest, also after a kill. A failing case is recorded and the run goes on; the exit code is 1 when any case "
      "failed. --shard K/N splits the cases between N processes or Slurm array tasks; --merge combines their "
      "summaries.";
  description.slicerModule = false;
  auto& model = description.add("model", ParameterKind::InputFile, "The model file or folder, loaded once per job.");
  model.group = "Input";
  auto& input = description.add("input", ParameterKind::String,
                                "A folder of scans (" + io::describeWritableExtensions() +
                                    ", DICOM series folders), or a "
                                    "CSV manifest case_id,input[,output] (relative paths from the manifest's folder).");
  input.group = "Input";
  input.placeholder = "DIR|CSV";
  input.requiredUnless = "--merge";
  auto& output = description.add("output-dir", ParameterKind::OutputDirectory,
                                 "Folder for the outputs, the journal and the summary; created when missing.");
  output.group = "Output";
  output.requiredUnless = "--merge";
  std::string names;
  std::vector<std::string> choices;
  for (const auto& type : workers.types()) {
    names += (names.empty() ? "" : "; ") + type.name + ": " + type.description;
    choices.push_back(type.name);
  }
  // No defaultValue: the parser would check "segment" against this build's workers even for --merge;
  // runMain applies the default and names the workers this build has.
  auto& worker = description.add(
      "worker", ParameterKind::Enumeration,
      "What to do with each case (" + (names.empty() ? std::string("none built") : names) + "). Default: segment.");
  worker.choices = choices;
  auto& jobs = description.add("jobs", ParameterKind::Integer,
                               "Cases processed at once, each job with its own copy of the model (memory!).");
  jobs.defaultValue = "1";
  auto& shard =
      description.add("shard", ParameterKind::String,
                      "K/N: process only the K-th of N disjoint parts of the cases (0 <= K < N); a case's "
                      "part depends only on its id. Slurm: ${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}.");
  shard.defaultValue = "0/1";
  shard.placeholder = "K/N";
  auto& fingerprint = description.add("input-fingerprint", ParameterKind::Enumeration,
                                      "How reruns notice changed inputs: metadata (names, sizes, modification times; "
                                      "fast) or content (SHA-256 of every byte; reads all inputs again).");
  fingerprint.choices = {"metadata", "content"};
  fingerprint.defaultValue = "metadata";
  auto& summary = description.add("summary", ParameterKind::OutputFile,
                                  "Where to write the summary JSON (default: skipseg-summary.json in --output-dir, "
                                  "skipseg-summary.shard-K-of-N.json for a shard); with --merge, the merged summary.");
  summary.group = "Output";
  auto& merge = description.add("merge", ParameterKind::StringList,
                                "Merge these shard summaries into --summary instead of running a batch.");
  merge.group = "Merge";
  merge.placeholder = "FILE,...";
  auto& pacs = description.add("pacs-export", ParameterKind::Flag,
                               "The input folder is a PACS export: every DICOM series below it (any nesting of "
                               "patients, studies and series; a DICOMDIR is not needed) is a candidate, chosen by "
                               "--modality, --min-slices, --series-description and the model's own rule (a model "
                               "that normalises Hounsfield units takes CT only); localizers and objects without "
                               "pixels are never chosen. Outputs are named PATIENTID_STUDYDATE-STUDY_sSERIESNUMBER-"
                               "SERIES (Batch.md). On by itself when the folder holds a DICOMDIR.");
  pacs.group = "PACS export";
  auto& modality =
      description.add("modality", ParameterKind::StringList, "PACS export: segment only series of these modalities.");
  modality.group = "PACS export";
  modality.placeholder = "CT,MR";
  auto& minimumSlices = description.add("min-slices", ParameterKind::Integer,
                                        "PACS export: leave series with fewer images (scouts, partial series). "
                                        "Default: 10.");
  minimumSlices.group = "PACS export";
  auto& seriesDescription =
      description.add("series-description", ParameterKind::String,
                      "PACS export: segment only series whose SeriesDescription matches this regular expression "
                      "(ECMAScript, case-insensitive, anywhere in the text).");
  seriesDescription.group = "PACS export";
  seriesDescription.placeholder = "REGEX";
  for (const auto& type : workers.types()) {
    for (const auto& parameter : type.options) {
      description.parameters.push_back(parameter);
    }
  }
  return description;
}

int batchMain(const std::vector<std::string>& arguments, const WorkerRegistry& workers,
              const DicomExportScanner& scanner) {
  const cli::ProgramDescription description = batchProgramDescription(workers);
  return cli::runProgram(description, arguments, [&](const cli::ParsedOptions& options) {
    if (options.has("merge")) {
      return mergeMain(options);
    }
    return runMain(options, workers, scanner);
  });
}

}  // namespace skipseg::batch
