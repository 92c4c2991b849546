#include "skipseg/programs/EvaluateProgram.h"

#include "skipseg/cli/RunProgram.h"
#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/Interrupt.h"
#include "skipseg/core/JsonFile.h"
#include "skipseg/core/OutputCheck.h"
#include "skipseg/core/Progress.h"
#include "skipseg/evaluation/GridMatching.h"
#include "skipseg/evaluation/LabelStatistics.h"
#include "skipseg/evaluation/LabelTable.h"
#include "skipseg/evaluation/MetricReport.h"
#include "skipseg/io/ImageFormats.h"
#include "skipseg/io/ImageReader.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <map>

namespace skipseg::programs {
namespace {

namespace fs = std::filesystem;
using cli::ParameterKind;

// "case_001.nii.gz" -> "case_001"; empty when the file is not an image SkipSeg reads.
std::string caseName(const std::string& fileName) {
  return io::hasImageFileExtension(fileName) ? io::withoutImageExtension(fileName) : "";
}

// Case name -> image path for the images directly in `folder`.
std::map<std::string, std::string> casesIn(const std::string& folder) {
  std::map<std::string, std::string> cases;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string name = caseName(entry.path().filename().string());
    if (!name.empty() && entry.is_regular_file() && !isTemporaryOutputName(entry.path().filename().string())) {
      if (cases.count(name) != 0) {
        throw badInput(folder, "case \"" + name + "\" is there twice (" + fs::path(cases[name]).filename().string() +
                                   " and " + entry.path().filename().string() + ")");
      }
      cases[name] = entry.path().string();
    }
  }
  return cases;
}

enum class ReportFormat { Json, Csv };

ReportFormat reportFormat(const std::string& path) {
  const std::string extension = fs::path(path).extension().string();
  if (extension == ".json") {
    return ReportFormat::Json;
  }
  if (extension == ".csv") {
    return ReportFormat::Csv;
  }
  throw usageError("--output must end in .json or .csv, not \"" + path + "\"");
}

evaluation::MetricOptions metricOptions(const cli::ParsedOptions& options) {
  evaluation::MetricOptions metricOptions;
  metricOptions.bothEmpty =
      options.string("both-empty") == "one" ? evaluation::BothEmpty::Perfect : evaluation::BothEmpty::Undefined;
  metricOptions.oneEmptyDistance = options.string("one-side-empty") == "inf" ? evaluation::OneEmptyDistance::Infinite
                                                                             : evaluation::OneEmptyDistance::Undefined;
  metricOptions.surfaceTolerance = options.number("tolerance");
  if (!(metricOptions.surfaceTolerance >= 0)) {
    throw usageError("--tolerance must be a distance in mm, 0 or more");
  }
  return metricOptions;
}

std::vector<int> labelIds(const cli::ParsedOptions& options) {
  std::vector<int> ids;
  for (const double value : options.numbers("label-ids")) {
    if (value != static_cast<int>(value) || value < 1 || value > 65535) {
      throw usageError("--label-ids takes structure labels 1..65535 (background 0 is never evaluated)");
    }
    ids.push_back(static_cast<int>(value));
  }
  return ids;
}

// One case: reads both label images, puts the prediction on the reference grid when allowed.
evaluation::CaseMetrics evaluateCase(const std::string& name, const std::string& referencePath,
                                     const std::string& predictionPath, const std::vector<int>& ids,
                                     const evaluation::MetricOptions& metricOptions, bool resample) {
  const auto reference = io::readLabelImage(referencePath);
  auto prediction = io::readLabelImage(predictionPath);
  if (!evaluation::sameGrid(*reference, *prediction)) {
    if (!resample) {
      throw badInput(predictionPath, "not on the reference's grid (prediction " +
                                         evaluation::describeGrid(*prediction) + ", reference " +
                                         evaluation::describeGrid(*reference) +
                                         "); give --resample-prediction to resample it (nearest neighbour)");
    }
    spdlog::info("{}: resampling the prediction onto the reference grid (nearest neighbour)", name);
    prediction = evaluation::resampleLabelsOnto(*prediction, *reference);
  }
  return {name, referencePath, predictionPath, evaluation::compareLabels(*reference, *prediction, ids, metricOptions)};
}

void writeReport(const std::string& path, const evaluation::MetricReport& report) {
  if (reportFormat(path) == ReportFormat::Json) {
    writeJsonFile(path, evaluation::metricReportJson(report));
  } else {
    writeFileAtomically(path, evaluation::metricReportCsv(report));
  }
}

int compareMode(const cli::ParsedOptions& options) {
  if (!options.has("reference") || !options.has("prediction")) {
    throw usageError("--reference and --prediction are required (or --statistics with --image and --labels)");
  }
  const std::string referencePath = options.string("reference");
  const std::string predictionPath = options.string("prediction");
  const std::string output = options.string("output");
  reportFormat(output);  // refuse a bad extension and an unwritable place before any work
  checkOutputFile(output);
  evaluation::MetricReport report;
  report.options = metricOptions(options);
  if (options.has("label-names")) {
    report.labelTable = evaluation::readLabelTable(options.string("label-names"));
  } else {
    report.labelTable = evaluation::labelTableBeside(predictionPath);  // names from skipseg-segment's sidecar
  }
  const std::vector<int> ids = labelIds(options);
  const bool resample = options.flag("resample-prediction");

  if (!fs::exists(referencePath)) {
    throw badInput(referencePath, "no such file or folder");
  }
  if (!fs::exists(predictionPath)) {
    throw badInput(predictionPath, "no such file or folder");
  }
  const bool folders = fs::is_directory(referencePath);
  if (folders != fs::is_directory(predictionPath)) {
    throw usageError("--reference and --prediction must both be files or both be folders");
  }
  if (!folders) {
    report.cases.push_back(evaluateCase(caseName(fs::path(referencePath).filename().string()), referencePath,
                                        predictionPath, ids, report.options, resample));
    writeReport(output, report);
    spdlog::info("wrote metrics of {} labels to {}", report.cases[0].labels.size(), output);
    return 0;
  }

  const auto referenceCases = casesIn(referencePath);
  const auto predictionCases = casesIn(predictionPath);
  if (referenceCases.empty()) {
    throw badInput(referencePath, "no label images (" + io::describeWritableExtensions() + ") in the folder");
  }
  for (const auto& [name, path] : predictionCases) {
    if (referenceCases.count(name) == 0) {
      spdlog::warn("{}: no reference case \"{}\"; not evaluated", path, name);
    }
  }
  auto progress = interruptible(makeProgressReporter());  // each case is a safe point for SIGINT/SIGTERM
  progress->start("evaluate", std::to_string(referenceCases.size()) + " cases");
  std::size_t done = 0;
  for (const auto& [name, path] : referenceCases) {
    const auto found = predictionCases.find(name);
    try {
      if (found == predictionCases.end()) {
        throw badInput(predictionPath, "no prediction for case \"" + name + "\"");
      }
      report.cases.push_back(evaluateCase(name, path, found->second, ids, report.options, resample));
    } catch (const Error& error) {
      spdlog::error("case {}: {}", name, error.what());
      report.failed.push_back({name, error.what()});
    }
    progress->update(static_cast<double>(++done) / static_cast<double>(referenceCases.size()), name);
  }
  progress->finish();
  writeReport(output, report);
  spdlog::info("wrote metrics of {} cases to {} ({} failed)", report.cases.size(), output, report.failed.size());
  return report.failed.empty() ? 0 : static_cast<int>(ExitCode::Failure);
}

int statisticsMode(const cli::ParsedOptions& options) {
  if (!options.has("image") || !options.has("labels")) {
    throw usageError("--statistics needs --image and --labels");
  }
  const std::string output = options.string("output");
  const ReportFormat format = reportFormat(output);
  checkOutputFile(output);
  std::vector<LabelInfo> table;
  if (options.has("label-names")) {
    table = evaluation::readLabelTable(options.string("label-names"));
  }
  std::vector<int> ids = labelIds(options);
  if (ids.empty()) {
    // With a label table every named structure gets a row (absent ones with volume 0), as
    // TotalSegmentator's statistics.json does; without one, the labels present.
    for (const auto& info : table) {
      ids.push_back(info.id);
    }
  }
  const auto image = io::readImage(options.string("image")).image;
  const auto labels = io::readLabelImage(options.string("labels"));
  if (!evaluation::sameGrid(*labels, *image)) {
    throw badInput(options.string("labels"), "not on the image's grid (labels " + evaluation::describeGrid(*labels) +
                                                 ", image " + evaluation::describeGrid(*image) + ")");
  }
  const auto statistics = evaluation::labelStatistics(*labels, *image, ids);
  if (format == ReportFormat::Json) {
    writeJsonFile(output, evaluation::statisticsJson(statistics, table));
  } else {
    writeFileAtomically(output, evaluation::statisticsCsv(statistics, table));
  }
  spdlog::info("wrote statistics of {} labels of {} to {}", statistics.size(), options.string("labels"), output);
  return 0;
}

}  // namespace

cli::ProgramDescription evaluateProgramDescription() {
  cli::ProgramDescription program;
  program.name = "skipseg-evaluate";
  program.title = "SkipSeg Evaluate";
  program.category = "Segmentation.SkipSeg";
  program.description =
      "Compares predicted label images with reference ones, per label, in physical units: Dice, IoU, precision, "
      "recall, volumes (mm3) and their difference, 95th percentile and maximum Hausdorff distance, average "
      "symmetric surface distance and normalised surface Dice. Give two files, or two folders whose cases are "
      "matched by file name (one row per case and label, then mean, median and std per label). With --statistics "
      "it reports per-label volume and intensity statistics of a scan instead. Conventions: "
      "Documentation/Evaluation.md.";
  program.slicerModule = true;
  // Slicer passes images and files by position (its schema gives them no flag); on the command line
  // they may be given either way. Only the last of them may be left out in Slicer, so the statistics
  // mode's own inputs stay on the command line.
  auto& reference = program.add("reference", ParameterKind::InputLabelMap,
                                "Reference label image, or a folder of them (cases matched by file name).");
  reference.group = "Input and output";
  reference.label = "Reference labels";
  reference.positionalIndex = 0;
  reference.fileExtensions = io::slicerImageExtensions();
  reference.placeholder = "REFERENCE";  // a label image or a folder of them
  reference.requiredUnless = "--statistics";
  auto& prediction = program.add("prediction", ParameterKind::InputLabelMap,
                                 "Predicted label image, or a folder of them (same case names as --reference).");
  prediction.group = "Input and output";
  prediction.label = "Predicted labels";
  prediction.positionalIndex = 1;
  prediction.fileExtensions = io::slicerImageExtensions();
  prediction.placeholder = "PREDICTION";
  prediction.requiredUnless = "--statistics";
  auto& output =
      program.add("output", ParameterKind::OutputFile, "Report to write: .json or .csv (written atomically).");
  output.required = true;
  output.fileExtensions = {".json", ".csv"};
  output.group = "Input and output";
  output.label = "Report";
  output.positionalIndex = 2;
  output.placeholder = "REPORT";
  program
      .add("label-ids", ParameterKind::StringList,
           "Labels to evaluate, e.g. 1,2,5 (default: every non-zero label present in either image; background 0 "
           "is never evaluated).")
      .placeholder = "ID,...";
  program.parameters.back().label = "Label IDs";
  auto& names = program.add(
      "label-names", ParameterKind::InputFile,
      "Names for the labels: a model (.ssm, TorchScript .pt, nnU-Net folder or dataset.json), a skipseg-segment "
      "sidecar, a skipseg-batch summary, a JSON {\"1\": \"spleen\", ...}, or a colour table (\"id name r g b a\" "
      "lines, 3D Slicer .ctbl). Default: the sidecar beside the prediction.");
  names.positionalIndex = 3;
  names.placeholder = "NAMES";  // the last position: Slicer may leave it out
  names.fileExtensions = {".json", ".ssm", ".pt", ".ctbl", ".txt"};
  auto& tolerance = program.add("tolerance", ParameterKind::Float, "Tolerance of the normalised surface Dice, in mm.");
  tolerance.defaultValue = "1";
  tolerance.label = "Surface Dice tolerance (mm)";
  auto& bothEmpty = program.add("both-empty", ParameterKind::Enumeration,
                                "When a label is in neither image: nan (undefined, left out of summaries) or one "
                                "(Dice, IoU, precision, recall and surface Dice 1, distances 0).");
  bothEmpty.choices = {"nan", "one"};
  bothEmpty.defaultValue = "nan";
  auto& oneEmpty = program.add("one-side-empty", ParameterKind::Enumeration,
                               "Distances when a label is in only one image: inf or nan.");
  oneEmpty.choices = {"inf", "nan"};
  oneEmpty.defaultValue = "inf";
  program.add("resample-prediction", ParameterKind::Flag,
              "Resample a prediction on another grid onto the reference's (nearest neighbour) instead of failing.");
  auto& statistics = program.add("statistics", ParameterKind::Flag,
                                 "Label statistics without a reference: per-label volume (mm3) and intensity mean, "
                                 "std, min, max and percentiles of --image under --labels.");
  statistics.group = "Label statistics";
  statistics.slicer = false;
  auto& image = program.add("image", ParameterKind::InputImage, "The scan whose intensities are summarised.");
  image.group = "Label statistics";
  image.slicer = false;
  auto& labels = program.add("labels", ParameterKind::InputFile, "The label image over --image (same grid).");
  labels.group = "Label statistics";
  labels.slicer = false;
  return program;
}

int evaluateMain(const std::vector<std::string>& arguments) {
  return cli::runProgram(evaluateProgramDescription(), arguments, [](const cli::ParsedOptions& options) {
    return options.flag("statistics") ? statisticsMode(options) : compareMode(options);
  });
}

}  // namespace skipseg::programs
