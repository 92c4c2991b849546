#include "Explain.h"

#include "StudyPlots.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/Interrupt.h"
#include "skipseg/core/JsonFile.h"
#include "skipseg/core/Progress.h"
#include "skipseg/inference/SlidingWindow.h"
#include "skipseg/model/SkipSegModelFile.h"
#include "skipseg/study/Lesion.h"
#include "skipseg/study/LossLandscape.h"
#include "skipseg/study/ShatteredGradients.h"
#include "skipseg/training/Loss.h"
#include "skipseg/training/PatchSampler.h"
#include "skipseg/training/Trainer.h"

#include <ATen/ATen.h>
#include <spdlog/spdlog.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

namespace fs = std::filesystem;

namespace skipseg::programs::study {
namespace {

struct TrainedModel {
  std::string folder;
  std::string name;  ///< for legends: architecture and block kind
  std::shared_ptr<nn::SegmentationNetwork> network;
  ModelDescription description;
  std::shared_ptr<std::vector<training::TrainingCase>> training;
  std::vector<training::TrainingCase> heldOut;
};

std::vector<std::string> caseList(const ModelDescription& description, const std::string& key,
                                  const std::string& source) {
  if (!description.provenance.contains(key)) {
    throw badInput(source, "the model's provenance has no \"" + key + "\": not a model written by skipseg-train");
  }
  return description.provenance.at(key).get<std::vector<std::string>>();
}

// "resunet (residual)", "unet (conv)": what the legend needs to tell the two models apart.
std::string modelName(const nn::SegmentationNetwork& network) {
  const auto configuration = network.configuration();
  std::string name = configuration.value("architecture", std::string("network"));
  if (configuration.contains("block")) {
    name += " (" + configuration.at("block").get<std::string>() + " blocks)";
  }
  return name;
}

TrainedModel loadTrained(const std::string& folder, const std::string& cacheOverride) {
  const std::string modelPath = (fs::path(folder) / "model.ssm").string();
  if (!fs::exists(modelPath)) {
    throw badInput(folder, "no model.ssm: give a folder written by skipseg-train");
  }
  auto members = model::readSkipSegModel(modelPath);
  TrainedModel trained;
  trained.folder = folder;
  trained.network = members.front().network;
  trained.description = members.front().description;
  trained.name = modelName(*trained.network);
  const std::string configuration = trained.description.provenance.value("configuration", std::string());
  const std::string cache =
      (fs::path(cacheOverride.empty() ? (fs::path(folder) / "cache").string() : cacheOverride) / configuration)
          .string();
  trained.training = std::make_shared<std::vector<training::TrainingCase>>();
  for (const auto& id : caseList(trained.description, "training_cases", modelPath)) {
    trained.training->push_back(training::readCachedCase(cache, id));
  }
  for (const auto& id : caseList(trained.description, "validation_cases", modelPath)) {
    trained.heldOut.push_back(training::readCachedCase(cache, id));
  }
  trained.network->eval();
  return trained;
}

// Mean Dice over the foreground classes of the held-out cases, through the sliding window that
// skipseg-train's final validation and skipseg-segment use.
double heldOutDice(TrainedModel& model) {
  throwIfInterrupted();  // a safe point per lesion: SIGINT/SIGTERM stop here, outputs rolled back
  inference::SlidingWindowOptions window;
  window.patchSize.assign(model.description.patchSize.begin(), model.description.patchSize.end());
  const inference::Network forward = [&](const at::Tensor& batch) { return model.network->forward(batch); };
  at::NoGradGuard noGradients;
  const auto dice = training::caseDice(model.heldOut, model.description.classCount(), [&](const at::Tensor& input) {
    return model.description.spatialDims == 3
               ? inference::slidingWindowInference(input, forward, window, silentProgress())
               : inference::slidingWindowSliceBySlice(input, 0, forward, window, silentProgress());
  });
  double sum = 0;
  int count = 0;
  for (const double value : dice) {
    if (!std::isnan(value)) {
      sum += value;
      ++count;
    }
  }
  return count > 0 ? sum / count : std::nan("");
}

std::string outputPath(const ExplainOptions& options, const std::string& name) {
  return (fs::path(options.output) / name).string();
}

std::vector<std::string> landscape(std::vector<TrainedModel>& models, const ExplainOptions& options) {
  ::skipseg::study::PlaneOptions plane;
  plane.resolution = options.grid;
  plane.extent = options.extent;
  plane.seed = options.seed;
  Json json{{"method",
             "Li et al. 2018: loss on the plane theta + a d1 + b d2, d1 and d2 random Gaussian directions "
             "normalised filter by filter, biases and normalisation parameters fixed"},
            {"grid", options.grid},
            {"extent", options.extent},
            {"batch", options.batch},
            {"seed", options.seed},
            {"models", Json::array()}};
  std::vector<ScalarGrid> grids;
  double low = 1e300, high = -1e300;
  for (auto& model : models) {
    training::SamplingOptions sampling;
    sampling.patchSize.assign(model.description.patchSize.begin(), model.description.patchSize.end());
    sampling.batchSize = options.batch;
    sampling.augmentation = training::AugmentationOptions::none();
    const training::PatchSampler sampler(model.training, sampling);
    // One fixed batch of training patches (seeded), the same for every grid point.
    const auto batch = sampler.sample(training::batchSeed(options.seed, 2, 0, 0));
    const auto loss = [&] {
      throwIfInterrupted();  // a safe point per grid point: SIGINT/SIGTERM stop here, outputs rolled back
      at::NoGradGuard noGradients;
      return training::diceCrossEntropyLoss(model.network->forward(batch.image), batch.target).item<double>();
    };
    const auto start = std::chrono::steady_clock::now();
    const auto result = ::skipseg::study::lossPlane(*model.network, loss, plane);
    spdlog::info("loss landscape of {} ({}): centre loss {:.4f}, {}x{} grid in {:.1f} s", model.name, model.folder,
                 result.centreLoss, options.grid, options.grid,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    Json entry = result.toJson();
    entry["model"] = model.folder;
    entry["name"] = model.name;
    json["models"].push_back(entry);
    ScalarGrid grid;
    grid.title = model.name;
    grid.xTitle = "direction 1 (a)";
    grid.yTitle = "direction 2 (b)";
    grid.valueTitle = "log10 loss";
    grid.coordinates = result.coordinates;
    for (const auto& row : result.loss) {
      std::vector<double> logRow;
      for (const double value : row) {
        logRow.push_back(std::log10(std::max(value, 1e-12)));
        low = std::min(low, logRow.back());
        high = std::max(high, logRow.back());
      }
      grid.values.push_back(logRow);
    }
    grids.push_back(grid);
  }
  std::vector<double> levels;
  for (int level = 1; level < 12; ++level) {
    levels.push_back(low + (high - low) * level / 12.0);
  }
  json["contour_levels_log10"] = levels;
  const auto jsonPath = outputPath(options, "landscape.json");
  writeJsonFile(jsonPath, json);
  const auto contours = outputPath(options, "landscape_contours.png");
  writeContourMaps(grids, low, high, levels, contours);
  for (auto& grid : grids) {  // the surface has its own axis titles
    grid.xTitle = "alpha (direction 1)";
    grid.yTitle = "beta (direction 2)";
  }
  const auto surfaces = outputPath(options, "landscape_surface.png");
  writeSurfaces(grids, low, high, surfaces);
  return {jsonPath, contours, surfaces};
}

std::vector<std::string> lesion(std::vector<TrainedModel>& models, const ExplainOptions& options) {
  Json json{{"method",
             "Veit et al. 2016: each deletable block deleted alone at test time (a residual block keeps "
             "only its shortcut path, a plain unit passes its input on), then k random blocks at once; "
             "score: mean Dice over the foreground classes of the held-out cases"},
            {"draws_per_count", options.lesionDraws},
            {"seed", options.seed},
            {"models", Json::array()}};
  LineChart single{
      "Dice after deleting one block", "deleted block (network order)", "held-out mean Dice", {}, 0.0, 1.0};
  LineChart random{"Dice after deleting k random blocks", "blocks deleted (k)", "held-out mean Dice", {}, 0.0, 1.0};
  for (std::size_t m = 0; m < models.size(); ++m) {
    auto& model = models[m];
    auto sites = ::skipseg::study::lesionSites(*model.network);
    ::skipseg::study::LesionOptions lesionOptions;
    lesionOptions.drawsPerCount = options.lesionDraws;
    lesionOptions.maxDeleted = options.lesionMax;
    lesionOptions.seed = options.seed;
    const auto start = std::chrono::steady_clock::now();
    const auto result = ::skipseg::study::runLesionStudy(
        sites, [&] { return heldOutDice(model); }, lesionOptions);
    spdlog::info("lesion study of {}: baseline Dice {:.4f}, {} blocks, {:.1f} s", model.name, result.baseline,
                 sites.size(), std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    Json entry = result.toJson();
    entry["model"] = model.folder;
    entry["name"] = model.name;
    entry["held_out_cases"] = caseList(model.description, "validation_cases", model.folder);
    json["models"].push_back(entry);
    const auto colour = paletteColour(m);
    Series blocks{model.name, {}, {}, colour, false, true};
    Series baseline{model.name + ": nothing deleted", {}, {}, colour, true, false};
    for (std::size_t s = 0; s < result.single.size(); ++s) {
      blocks.x.push_back(static_cast<double>(s + 1));
      blocks.y.push_back(result.single[s]);
    }
    baseline.x = {1.0, static_cast<double>(std::max<std::size_t>(result.single.size(), 2))};
    baseline.y = {result.baseline, result.baseline};
    single.series.push_back(blocks);
    single.series.push_back(baseline);
    Series counts{model.name, {0.0}, {result.baseline}, colour, false, true};
    for (const auto& count : result.counts) {
      counts.x.push_back(count.deleted);
      counts.y.push_back(count.mean);
    }
    random.series.push_back(counts);
  }
  const auto jsonPath = outputPath(options, "lesion.json");
  writeJsonFile(jsonPath, json);
  const auto picture = outputPath(options, "lesion.png");
  writeLineCharts({single, random}, picture);
  return {jsonPath, picture};
}

std::vector<std::string> gradients(const ExplainOptions& options) {
  ::skipseg::study::ShatteringOptions shattering;
  shattering.depths = options.depths;
  shattering.seed = options.seed;
  const auto start = std::chrono::steady_clock::now();
  const auto curves = ::skipseg::study::shatteredGradients(shattering);
  spdlog::info("shattered gradients: {} networks in {:.1f} s", curves.size(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  Json json = ::skipseg::study::shatteringJson(curves, shattering);
  json["method"] =
      "Balduzzi et al. 2017: gradient of the centre output unit with respect to the input, for inputs on a line "
      "through a random patch; autocorrelation r(lag) = mean cosine between the gradients lag steps apart; "
      "networks at initialisation, no long skips";
  LineChart byLag{"Gradient autocorrelation at initialisation", "lag (steps along the line)", "r(lag)", {}, -0.2, 1.0};
  LineChart byDepth{"Correlation of neighbouring gradients", "depth (convolutions, log scale)", "r(1)", {}, -0.2, 1.0};
  Series plainDepth{"plain", {}, {}, paletteColour(3), false, true};
  Series residualDepth{"residual", {}, {}, paletteColour(0), false, true};
  std::size_t depthIndex = 0;
  for (const auto& curve : curves) {
    const bool plain = curve.kind == "plain";
    (plain ? plainDepth : residualDepth).x.push_back(curve.depth);
    (plain ? plainDepth : residualDepth).y.push_back(curve.lagOne());
    // One colour per depth; plain solid, residual dashed.
    const auto position = std::find(options.depths.begin(), options.depths.end(), curve.depth);
    depthIndex = static_cast<std::size_t>(position - options.depths.begin());
    Series series{
        curve.kind + ", depth " + std::to_string(curve.depth), {}, {}, paletteColour(depthIndex), !plain, false};
    for (std::size_t lag = 0; lag < curve.autocorrelation.size(); ++lag) {
      series.x.push_back(static_cast<double>(lag));
      series.y.push_back(curve.autocorrelation[lag]);
    }
    byLag.series.push_back(series);
  }
  byDepth.series = {plainDepth, residualDepth};
  byDepth.xLog = true;
  const auto jsonPath = outputPath(options, "gradients.json");
  writeJsonFile(jsonPath, json);
  const auto picture = outputPath(options, "gradients.png");
  writeLineCharts({byLag, byDepth}, picture);
  return {jsonPath, picture};
}

}  // namespace

std::vector<std::string> runExplain(const ExplainOptions& options) {
  for (const auto& analysis : options.analyses) {
    if (analysis != "landscape" && analysis != "lesion" && analysis != "gradients") {
      throw usageError("--analyses: \"" + analysis + "\" is not one of landscape, lesion, gradients");
    }
  }
  const auto wants = [&](const std::string& analysis) {
    return std::find(options.analyses.begin(), options.analyses.end(), analysis) != options.analyses.end();
  };
  std::vector<TrainedModel> models;
  if (wants("landscape") || wants("lesion")) {
    if (options.trained.empty() || options.trained.size() > 2) {
      throw usageError("landscape and lesion need one or two trained folders (TRAINED [--compare OTHER])");
    }
    for (const auto& folder : options.trained) {
      models.push_back(loadTrained(folder, options.cache));  // every input checked before any long work
    }
  }
  std::vector<std::string> written;
  const auto add = [&](const std::vector<std::string>& files) {
    written.insert(written.end(), files.begin(), files.end());
  };
  if (wants("gradients")) {
    add(gradients(options));
  }
  if (wants("lesion")) {
    add(lesion(models, options));
  }
  if (wants("landscape")) {
    add(landscape(models, options));
  }
  return written;
}

}  // namespace skipseg::programs::study
