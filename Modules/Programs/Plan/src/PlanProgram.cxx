#include "skipseg/programs/PlanProgram.h"

#include "skipseg/cli/RunProgram.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/Interrupt.h"
#include "skipseg/core/JsonFile.h"
#include "skipseg/core/OutputCheck.h"
#include "skipseg/core/Progress.h"
#include "skipseg/planning/Dataset.h"
#include "skipseg/planning/Fingerprint.h"
#include "skipseg/planning/Plans.h"

#include <spdlog/spdlog.h>

namespace skipseg::programs {

cli::ProgramDescription planProgramDescription() {
  cli::ProgramDescription description;
  description.name = "skipseg-plan";
  description.title = "SkipSeg Plan";
  description.category = "Segmentation.SkipSeg.Training";
  description.description =
      "Checks a training dataset (nnU-Net v2 raw layout or a CSV manifest), computes its fingerprint "
      "(spacings, sizes after cropping to non-zero, foreground intensity statistics) and writes the training "
      "plans: target spacing, patch size, network topology, batch size, normalisation and the K-fold split, "
      "for a 3D (3d_fullres) and a 2D configuration. skipseg-train reads the plans.";
  auto& dataset = description.add("dataset", cli::ParameterKind::String,
                                  "The dataset: a folder with dataset.json, imagesTr/ and labelsTr/, or a CSV manifest "
                                  "with the header case,<channel name>...,label.");
  dataset.required = true;
  dataset.positionalIndex = 0;
  dataset.placeholder = "DIR|CSV";
  auto& output = description.add("output", cli::ParameterKind::OutputFile, "The plans file to write (JSON).");
  output.required = true;
  output.fileExtensions = {".json"};
  output.placeholder = "PLANS";
  description
      .add("memory-budget", cli::ParameterKind::Float,
           "Memory for the activations of one training batch, in GB (GPU memory, or RAM for CPU training). "
           "Decides the patch and batch sizes.")
      .defaultValue = "8";
  description.add("folds", cli::ParameterKind::Integer, "Number of cross-validation folds.").defaultValue = "5";
  description.add("seed", cli::ParameterKind::Integer, "Seed of the fold split and of the intensity sampling.")
      .defaultValue = "12345";
  description
      .add("spacing", cli::ParameterKind::FloatList,
           "Override the target spacing: x,y,z in mm (e.g. 3,3,3 for a quick, coarse model).")
      .placeholder = "X,Y,Z";
  auto& base = description.add("base-features", cli::ParameterKind::Integer,
                               "Feature maps of the first network stage (doubling per stage).");
  base.defaultValue = "32";
  base.advanced = true;
  auto& maximum = description.add("max-features", cli::ParameterKind::Integer, "Most feature maps of any stage.");
  maximum.defaultValue = "320";
  maximum.advanced = true;
  auto& patch = description.add("max-patch", cli::ParameterKind::Integer,
                                "Longest patch edge in voxels (0: no limit beyond the memory budget).");
  patch.defaultValue = "0";
  patch.advanced = true;
  auto& samples = description.add("samples-per-case", cli::ParameterKind::Integer,
                                  "Foreground voxels sampled per case for the intensity statistics.");
  samples.defaultValue = "10000";
  samples.advanced = true;
  return description;
}

int planMain(const std::vector<std::string>& arguments) {
  return cli::runProgram(planProgramDescription(), arguments, [](const cli::ParsedOptions& options) {
    planning::PlanOptions planOptions;
    planOptions.memoryBudgetBytes = options.number("memory-budget") * 1e9;
    planOptions.foldCount = static_cast<int>(options.integer("folds"));
    planOptions.seed = static_cast<std::uint64_t>(options.integer("seed"));
    planOptions.baseFeatures = static_cast<int>(options.integer("base-features"));
    planOptions.maxFeatures = static_cast<int>(options.integer("max-features"));
    planOptions.maxPatchEdge = static_cast<int>(options.integer("max-patch"));
    if (planOptions.memoryBudgetBytes <= 0 || planOptions.foldCount < 1 || planOptions.baseFeatures < 1 ||
        planOptions.maxFeatures < planOptions.baseFeatures || planOptions.maxPatchEdge < 0) {
      throw usageError(
          "--memory-budget, --folds, --base-features, --max-features and --max-patch must be positive "
          "(--max-features at least --base-features)");
    }
    if (options.has("spacing")) {
      const auto spacing = options.numbers("spacing");
      if (spacing.size() != 3 || spacing[0] <= 0 || spacing[1] <= 0 || spacing[2] <= 0) {
        throw usageError("--spacing needs three positive values x,y,z in mm");
      }
      planOptions.spacing = std::array<double, 3>{spacing[0], spacing[1], spacing[2]};
    }
    const auto samplesPerCase = options.integer("samples-per-case");
    if (samplesPerCase < 1) {
      throw usageError("--samples-per-case must be positive");
    }
    checkOutputFile(options.string("output"));  // before reading the dataset
    planning::Dataset dataset = planning::readDataset(options.string("dataset"));
    planning::checkDataset(dataset);
    auto progress = interruptible(makeProgressReporter());
    const auto fingerprint =
        planning::computeFingerprint(dataset, planOptions.seed, static_cast<std::size_t>(samplesPerCase), *progress);
    const Json plans = planning::makePlans(dataset, fingerprint, planOptions);
    writeJsonFile(options.string("output"), plans);
    for (const auto& item : plans.at("configurations").items()) {
      spdlog::info("{}: spacing {} mm, patch {}, batch {}, {} stages", item.key(), item.value().at("spacing").dump(),
                   item.value().at("patch_size").dump(), item.value().at("batch_size").get<int>(),
                   item.value().at("pool_kernels").size());
    }
    spdlog::info("wrote plans for {} cases to {}", dataset.cases.size(), options.string("output"));
    return 0;
  });
}

}  // namespace skipseg::programs
