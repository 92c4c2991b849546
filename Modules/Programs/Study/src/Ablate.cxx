#include "Ablate.h"

#include "AblateEvaluation.h"
#include "NetworkCost.h"
#include "StudyPlots.h"
#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/JsonFile.h"
#include "skipseg/core/OutputCheck.h"
#include "skipseg/programs/PlanProgram.h"
#include "skipseg/programs/TrainProgram.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

namespace fs = std::filesystem;

namespace skipseg::programs::study {
namespace {

struct Variant {
  std::string name;
  std::string network;
  Json options = Json::object();
  Json toJson() const { return {{"name", name}, {"network", network}, {"options", options}}; }
};

// Every variant checked before anything is trained.
std::vector<Variant> readVariants(const std::string& path) {
  const Json json = readJsonFile(path);
  if (!json.is_object() || !json.contains("variants") || !json.at("variants").is_array() ||
      json.at("variants").empty()) {
    throw badInput(path, "expected {\"variants\": [{\"name\": ..., \"network\": ..., \"options\": {...}}, ...]}");
  }
  std::vector<Variant> variants;
  std::set<std::string> names;
  const std::regex safeName("[A-Za-z0-9_.-]+");
  for (const auto& item : json.at("variants")) {
    Variant variant;
    variant.name = requireJsonValue<std::string>(item, "name", path);
    variant.network = requireJsonValue<std::string>(item, "network", path);
    variant.options = item.value("options", Json::object());
    if (!std::regex_match(variant.name, safeName) || !names.insert(variant.name).second) {
      throw badInput(path, "variant name \"" + variant.name + "\" is repeated or not a plain file name");
    }
    if (!variant.options.is_object()) {
      throw badInput(path, "variant \"" + variant.name + "\": \"options\" must be an object");
    }
    variants.push_back(variant);
  }
  return variants;
}

// What a variant's training did, from its training_history.json.
struct TrainingDone {
  double seconds = 0;
  long long iterations = 0;
  bool budgetSpent = false;
};

TrainingDone trainingDone(const std::string& folder, int iterationsPerEpoch) {
  const Json history = readJsonFile((fs::path(folder) / "training_history.json").string());
  TrainingDone done;
  for (const auto& epoch : history.at("history")) {
    done.seconds += epoch.value("seconds", 0.0);
    done.iterations += epoch.value("iterations", iterationsPerEpoch);  // absent: a history from before budgets
    done.budgetSpent = done.budgetSpent || epoch.value("budget_spent", false);
  }
  return done;
}

std::string csvField(const Json& value) {
  if (value.is_null()) {
    return "";
  }
  return value.is_string() ? value.get<std::string>() : value.dump();
}

void writeTable(const std::vector<Json>& rows, const std::string& path) {
  std::vector<std::string> labels;
  for (const auto& item : rows.front().at("labels").items()) {
    labels.push_back(item.key());
  }
  AtomicOutput output(path);
  {
    std::ofstream csv(output.temporaryPath());
    csv << "variant,network,parameters,flops_per_patch,training_iterations,training_seconds,inference_seconds,"
           "mean_dice,mean_hd95_mm";
    for (const auto& label : labels) {
      csv << ",dice_" << label << ",hd95_mm_" << label;
    }
    csv << "\n";
    for (const auto& row : rows) {
      csv << row.at("name").get<std::string>() << "," << row.at("network").get<std::string>() << ","
          << csvField(row.at("parameters")) << "," << csvField(row.at("flops_per_patch")) << ","
          << csvField(row.at("training_iterations")) << "," << csvField(row.at("training_seconds")) << ","
          << csvField(row.at("inference_seconds")) << "," << csvField(row.at("mean_dice")) << ","
          << csvField(row.at("mean_hd95_mm"));
      for (const auto& label : labels) {
        csv << "," << csvField(row.at("labels").at(label).at("dice")) << ","
            << csvField(row.at("labels").at(label).at("hd95_mm"));
      }
      csv << "\n";
    }
    if (!csv) {
      throw outputFailed(path, "cannot write the table");
    }
  }
  output.commit();
}

void writeChart(const std::vector<Json>& rows, const std::string& path) {
  LineChart dice{"Held-out Dice per variant", "variant", "Dice", {}, 0.0, 1.0};
  LineChart hd95{"Held-out HD95 per variant", "variant", "HD95 (mm)", {}};
  std::vector<std::string> labels;
  for (const auto& item : rows.front().at("labels").items()) {
    labels.push_back(item.key());
  }
  for (std::size_t l = 0; l <= labels.size(); ++l) {
    const bool mean = l == labels.size();
    Series diceSeries{mean ? "mean" : labels[l], {}, {}, mean ? Colour{{0, 0, 0}} : paletteColour(l), false, true};
    diceSeries.markersOnly = true;
    Series hdSeries = diceSeries;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const auto& row = rows[r];
      const Json diceValue = mean ? row.at("mean_dice") : row.at("labels").at(labels[l]).at("dice");
      const Json hdValue = mean ? row.at("mean_hd95_mm") : row.at("labels").at(labels[l]).at("hd95_mm");
      if (!diceValue.is_null()) {
        diceSeries.x.push_back(static_cast<double>(r + 1));
        diceSeries.y.push_back(diceValue.get<double>());
      }
      if (!hdValue.is_null()) {
        hdSeries.x.push_back(static_cast<double>(r + 1));
        hdSeries.y.push_back(hdValue.get<double>());
      }
    }
    dice.series.push_back(diceSeries);
    hd95.series.push_back(hdSeries);
  }
  for (const auto& row : rows) {
    dice.xLabels.push_back(row.at("name").get<std::string>());
  }
  hd95.xLabels = dice.xLabels;
  writeLineCharts({dice, hd95}, path);
}

}  // namespace

int runAblate(const AblateOptions& options) {
  const auto variants = readVariants(options.variants);
  if (options.epochs < 1 || options.iterations < 1) {
    throw usageError("--epochs and --iterations must be at least 1");
  }
  checkOutputFolder(options.output);
  fs::create_directories(fs::path(options.output) / "variants");
  const auto logLevel = spdlog::get_level() <= spdlog::level::info ? std::string("info") : std::string("warning");

  // One plans file for the whole grid: the same preprocessing, patch size and split for every variant.
  const std::string plansPath = (fs::path(options.output) / "plans.json").string();
  if (!fs::exists(plansPath)) {
    const int planned = planMain({options.dataset, "--output", plansPath, "--folds", std::to_string(options.folds),
                                  "--seed", std::to_string(options.seed), "--log-level", logLevel});
    if (planned != 0) {
      return planned;
    }
  }
  const Json plans = readJsonFile(plansPath);
  const std::string cache = (fs::path(options.output) / "cache").string();

  std::vector<Json> rows;
  for (const auto& variant : variants) {
    const std::string folder = (fs::path(options.output) / "variants" / variant.name).string();
    const std::string resultPath = (fs::path(folder) / "result.json").string();
    Json settings{{"variant", variant.toJson()},
                  {"dataset", options.dataset},
                  {"configuration", options.configuration},
                  {"fold", options.fold},
                  {"epochs", options.epochs},
                  {"iterations", options.iterations},
                  {"batch_size", options.batchSize},
                  {"optimizer", options.optimizer},
                  {"seed", options.seed}};
    if (options.budgetSeconds > 0) {
      settings["budget_seconds"] = options.budgetSeconds;  // only then: grids from before budgets stay valid
    }
    if (fs::exists(resultPath)) {
      Json done = readJsonFile(resultPath);
      if (done.value("settings", Json()) != settings) {
        throw outputFailed(resultPath,
                           "was computed with other settings (variant, dataset or budget); give another "
                           "--output for a different grid");
      }
      spdlog::info("variant {}: done in an earlier run", variant.name);
      rows.push_back(done);
      continue;
    }
    const std::string modelPath = (fs::path(folder) / "model.ssm").string();
    if (!fs::exists(modelPath)) {
      std::vector<std::string> arguments{
          plansPath, "--configuration", options.configuration, "--fold", options.fold, "--network", variant.network,
          "--network-options", variant.options.dump(), "--epochs", std::to_string(options.epochs), "--iterations",
          std::to_string(options.iterations), "--batch-size", std::to_string(options.batchSize), "--optimizer",
          options.optimizer, "--seed", std::to_string(options.seed), "--torch-threads",
          std::to_string(options.torchThreads),
          // The grid scores the held-out cases itself; the training's pseudo Dice
          // on validation patches only costs time (it does not touch the weights).
          "--validation-iterations", "5", "--checkpoint-every", "1", "--device", "cpu", "--cache", cache, "--output",
          folder, "--log-level", logLevel};
      if (options.budgetSeconds > 0) {
        arguments.insert(arguments.end(), {"--budget-seconds", fmt::format("{}", options.budgetSeconds)});
      }
      if (fs::exists(fs::path(folder) / "checkpoint_latest.pt")) {
        spdlog::info("variant {}: resuming its interrupted training", variant.name);
        arguments.push_back("--resume");
      } else {
        spdlog::info("variant {}: training {} ({})", variant.name, variant.network, variant.options.dump());
      }
      const int trained = trainMain(arguments);
      if (trained != 0) {
        return trained;
      }
    }
    const auto evaluation = evaluateHeldOut(modelPath, plans, plansPath, options.fold,
                                            (fs::path(folder) / "predictions").string(), options.torchThreads);
    const auto cost = networkCost(modelPath);
    const auto training = trainingDone(folder, options.iterations);
    Json row{{"name", variant.name},
             {"network", variant.network},
             {"options", variant.options},
             {"parameters", cost.parameters},
             {"flops_per_patch", cost.flopsPerPatch},
             {"training_iterations", training.iterations},
             {"budget_spent", training.budgetSpent},
             {"training_seconds", training.seconds},
             {"inference_seconds", evaluation.inferenceSeconds},
             {"mean_dice", numberOrNull(evaluation.meanDice)},
             {"mean_hd95_mm", numberOrNull(evaluation.meanHd95)},
             {"labels", evaluation.perLabel},
             {"held_out_cases", evaluation.cases},
             {"settings", settings}};
    writeJsonFile(resultPath, row);  // the done-marker: written last, atomically
    spdlog::info("variant {}: mean Dice {:.4f}, {} parameters, {} training iterations", variant.name,
                 evaluation.meanDice, cost.parameters, training.iterations);
    rows.push_back(row);
  }
  writeJsonFile((fs::path(options.output) / "ablation.json").string(), Json{{"variants", rows}});
  writeTable(rows, (fs::path(options.output) / "ablation.csv").string());
  writeChart(rows, (fs::path(options.output) / "ablation.png").string());
  return 0;
}

}  // namespace skipseg::programs::study
