#include "skipseg/programs/StudyProgram.h"

#include "Ablate.h"
#include "Explain.h"
#include "StudyDatasets.h"
#include "skipseg/cli/RunProgram.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/OutputCheck.h"
#include "skipseg/core/OutputTransaction.h"

#include <ATen/Parallel.h>
#include <spdlog/spdlog.h>

#include <filesystem>

namespace fs = std::filesystem;

namespace skipseg::programs {
namespace {

std::vector<int> integerList(const cli::ParsedOptions& options, const std::string& name) {
  std::vector<int> values;
  for (const auto& item : options.strings(name)) {
    try {
      std::size_t used = 0;
      values.push_back(std::stoi(item, &used));
      if (used != item.size()) {
        throw std::invalid_argument(item);
      }
    } catch (const std::exception&) {
      throw usageError("--" + name + ": \"" + item + "\" is not an integer");
    }
  }
  return values;
}

void setThreads(const cli::ParsedOptions& options) {
  if (options.integer("torch-threads") > 0) {
    at::set_num_threads(static_cast<int>(options.integer("torch-threads")));
  }
}

int explain(const cli::ParsedOptions& options) {
  study::ExplainOptions explain;
  if (options.has("input")) {
    explain.trained.push_back(options.string("input"));
  }
  if (options.has("compare")) {
    explain.trained.push_back(options.string("compare"));
  }
  explain.cache = options.stringOr("cache", "");
  explain.output = options.string("output");
  explain.analyses = options.strings("analyses");
  explain.grid = static_cast<int>(options.integer("grid"));
  explain.extent = options.number("extent");
  explain.batch = static_cast<int>(options.integer("batch"));
  explain.lesionDraws = static_cast<int>(options.integer("lesion-draws"));
  explain.lesionMax = static_cast<int>(options.integer("lesion-max"));
  explain.depths = integerList(options, "depths");
  explain.seed = static_cast<std::uint64_t>(options.integer("seed"));
  if (explain.grid < 3 || explain.grid > 101 || explain.batch < 1 || explain.lesionDraws < 1) {
    throw usageError("--grid must lie in [3, 101], --batch and --lesion-draws must be at least 1");
  }
  checkOutputFolder(explain.output);
  setThreads(options);
  fs::create_directories(explain.output);
  OutputTransaction transaction;  // all of the analyses' files or none
  const auto written = study::runExplain(explain);
  transaction.commit();
  for (const auto& file : written) {
    spdlog::info("wrote {}", file);
  }
  return 0;
}

int ablate(const cli::ParsedOptions& options) {
  study::AblateOptions ablate;
  ablate.dataset = options.stringOr("input", "");
  if (ablate.dataset.empty() || !options.has("variants")) {
    throw usageError("ablate needs a DATASET and --variants FILE");
  }
  ablate.variants = options.string("variants");
  ablate.output = options.string("output");
  ablate.configuration = options.string("configuration");
  ablate.fold = options.string("fold");
  ablate.folds = static_cast<int>(options.integer("folds"));
  ablate.epochs = static_cast<int>(options.integer("epochs"));
  ablate.iterations = static_cast<int>(options.integer("iterations"));
  ablate.batchSize = static_cast<int>(options.integer("batch-size"));
  if (options.has("budget-seconds")) {
    ablate.budgetSeconds = options.number("budget-seconds");
    if (!(ablate.budgetSeconds > 0)) {
      throw usageError("--budget-seconds must be positive");
    }
  }
  ablate.optimizer = options.string("optimizer");
  ablate.seed = static_cast<std::uint64_t>(options.integer("seed"));
  ablate.torchThreads = static_cast<int>(options.integer("torch-threads"));
  setThreads(options);
  return study::runAblate(ablate);
}

int makeDataset(const cli::ParsedOptions& options) {
  const std::string kind = options.stringOr("input", "");
  const std::string output = options.string("output");
  checkOutputFolder(output);
  OutputTransaction transaction;
  if (kind == "shapes") {
    study::ShapesOptions shapes;
    shapes.cases = static_cast<int>(options.integer("cases"));
    shapes.slices = static_cast<int>(options.integer("slices"));
    shapes.seed = static_cast<std::uint64_t>(options.integer("seed"));
    study::writeShapesDataset(output, shapes);
  } else if (kind == "ct-slabs") {
    study::SlabOptions slabs;
    slabs.image = options.string("image");
    slabs.labels = options.string("labels");
    slabs.keptLabels = integerList(options, "keep-labels");
    slabs.names = options.strings("label-names");
    slabs.heldOutFraction = options.number("held-out-fraction");
    study::writeSlabDataset(output, slabs);
  } else {
    throw usageError("make-dataset needs a kind: shapes or ct-slabs (got \"" + kind + "\")");
  }
  transaction.commit();
  return 0;
}

}  // namespace

cli::ProgramDescription studyProgramDescription() {
  cli::ProgramDescription description;
  description.name = "skipseg-study";
  description.title = "SkipSeg Study";
  description.description =
      "Asks the skip-connection survey's questions of your own data. `explain TRAINED [--compare OTHER]` runs the "
      "explanatory experiments on folders written by skipseg-train and writes JSON with the numbers and PNG "
      "figures into OUTPUT: landscape (loss on a filter-normalised random plane through the trained weights, "
      "Li et al. 2018: landscape.json, landscape_contours.png), lesion (Dice on the held-out "
      "cases with each block deleted, then k random blocks, Veit et al. 2016: lesion.json, lesion.png) and "
      "gradients (autocorrelation of input gradients along a line for plain and residual networks of growing "
      "depth at initialisation, Balduzzi et al. 2017: gradients.json, gradients.png; needs no trained model). "
      "`ablate DATASET --variants FILE` trains a grid of networks that differ only in their skip connections "
      "(one plans file, split, seed, augmentation and budget of --epochs x --iterations batches for all, "
      "optionally cut short by a wall-time budget, --budget-seconds, "
      "skipseg-train's training), segments the held-out cases of --fold with each as skipseg-segment does and "
      "scores them with skipseg-evaluate's metrics: OUTPUT/ablation.json, ablation.csv (Dice and HD95 per label, "
      "parameters, FLOPs per patch, training and inference seconds) and ablation.png; an interrupted grid "
      "continues where it stopped when run again with the same arguments. "
      "`make-dataset shapes|ct-slabs` writes the datasets of Documentation/Study.md in nnU-Net's layout.";
  description.slicerModule = false;
  auto& action =
      description.add("action", cli::ParameterKind::Enumeration, "What to do: explain, ablate or make-dataset.");
  action.choices = {"explain", "ablate", "make-dataset"};
  action.required = true;
  action.positionalIndex = 0;
  auto& input = description.add("input", cli::ParameterKind::String,
                                "explain: a folder written by skipseg-train (model.ssm and cache/); ablate: the "
                                "dataset (as skipseg-plan reads it); make-dataset: the kind, shapes or ct-slabs.");
  input.positionalIndex = 1;
  input.placeholder = "TRAINED|DATASET|KIND";
  auto& output = description.add("output", cli::ParameterKind::OutputDirectory, "Folder for the results.");
  output.required = true;
  description
      .add("compare", cli::ParameterKind::String,
           "explain: a second trained folder (e.g. the same network without skip connections), shown beside the first.")
      .placeholder = "TRAINED";
  description.add("cache", cli::ParameterKind::String, "explain: the training cache when not TRAINED/cache.")
      .placeholder = "DIR";
  auto& analyses = description.add("analyses", cli::ParameterKind::StringList,
                                   "explain: which analyses: landscape, lesion, gradients.");
  analyses.defaultValue = "landscape,lesion,gradients";
  description.add("grid", cli::ParameterKind::Integer, "landscape: grid points per axis.").defaultValue = "21";
  description.add("extent", cli::ParameterKind::Float, "landscape: the plane spans [-X, X] along each direction.")
      .defaultValue = "1";
  description.add("batch", cli::ParameterKind::Integer, "landscape: training patches in the fixed batch.")
      .defaultValue = "8";
  description.add("lesion-draws", cli::ParameterKind::Integer, "lesion: random subsets per count k.").defaultValue =
      "5";
  description.add("lesion-max", cli::ParameterKind::Integer, "lesion: largest k (0: every block).").defaultValue = "0";
  auto& depths = description.add("depths", cli::ParameterKind::StringList,
                                 "gradients: network depths (convolutions; even numbers).");
  depths.defaultValue = "2,4,8,16,32";
  description.add("seed", cli::ParameterKind::Integer, "Seed of directions, patches, lesions and generated data.")
      .defaultValue = "0";
  description.add("torch-threads", cli::ParameterKind::Integer, "Threads of Torch's CPU operations (0: default).")
      .defaultValue = "0";
  description
      .add("variants", cli::ParameterKind::String,
           "ablate: JSON file {\"variants\": [{\"name\": N, \"network\": ARCH, \"options\": {...}}]}; "
           "options are merged into the network configuration as skipseg-train's --network-options.")
      .placeholder = "FILE";
  auto& configuration = description.add("configuration", cli::ParameterKind::String, "ablate: 2d or 3d_fullres.");
  configuration.defaultValue = "2d";
  configuration.placeholder = "NAME";
  auto& fold =
      description.add("fold", cli::ParameterKind::String, "ablate: the fold whose validation cases are held out.");
  fold.defaultValue = "0";
  fold.placeholder = "K";
  description.add("folds", cli::ParameterKind::Integer, "ablate: cross-validation folds of the plans.").defaultValue =
      "5";
  description.add("epochs", cli::ParameterKind::Integer, "ablate: epochs per variant.").defaultValue = "1";
  description.add("iterations", cli::ParameterKind::Integer, "ablate: training batches per epoch.").defaultValue = "50";
  description.add("batch-size", cli::ParameterKind::Integer, "ablate: batch size (0: the plans').").defaultValue = "0";
  description
      .add("budget-seconds", cli::ParameterKind::Float,
           "ablate: wall-time budget per variant, besides --epochs x --iterations: its training stops after the "
           "iteration at which this many seconds are spent (skipseg-train --budget-seconds). Not reproducible "
           "across machines or loads; the iterations each variant did are reported.")
      .placeholder = "S";
  auto& optimizer = description.add("optimizer", cli::ParameterKind::Enumeration,
                                    "ablate: skipseg-train's optimizer for every variant, sgd or adamw.");
  optimizer.choices = {"sgd", "adamw"};
  optimizer.defaultValue = "sgd";
  description.add("cases", cli::ParameterKind::Integer, "make-dataset shapes: cases (stacks of slices).").defaultValue =
      "5";
  description.add("slices", cli::ParameterKind::Integer, "make-dataset shapes: 64x64 images per case.").defaultValue =
      "32";
  description.add("image", cli::ParameterKind::String, "make-dataset ct-slabs: the CT.").placeholder = "FILE";
  description.add("labels", cli::ParameterKind::String, "make-dataset ct-slabs: its label map.").placeholder = "FILE";
  description.add("keep-labels", cli::ParameterKind::StringList, "make-dataset ct-slabs: label ids to keep, e.g. 5,1.")
      .placeholder = "ID,...";
  description.add("label-names", cli::ParameterKind::StringList, "make-dataset ct-slabs: their names.").placeholder =
      "NAME,...";
  description
      .add("held-out-fraction", cli::ParameterKind::Float,
           "make-dataset ct-slabs: share of the slices (the top of the third voxel axis) held out.")
      .defaultValue = "0.35";
  for (auto& parameter : description.parameters) {
    parameter.slicer = false;
  }
  return description;
}

int studyMain(const std::vector<std::string>& arguments) {
  return cli::runProgram(studyProgramDescription(), arguments, [](const cli::ParsedOptions& options) {
    const std::string action = options.string("action");
    if (action == "explain") {
      return explain(options);
    }
    if (action == "ablate") {
      return ablate(options);
    }
    return makeDataset(options);
  });
}

}  // namespace skipseg::programs
