#include "skipseg/programs/ModelProgram.h"

#include "skipseg/cli/RunProgram.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/JsonFile.h"
#include "skipseg/model/NnUNetImport.h"
#include "skipseg/model/SegmentationModel.h"
#include "skipseg/model/SkipSegModelFile.h"
#include "skipseg/model/TorchScriptExport.h"
#include "skipseg/nn/NetworkSummary.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

namespace skipseg::programs {
namespace {

namespace fs = std::filesystem;

model::LoadOptions loadOptions(const cli::ParsedOptions& options) {
  model::LoadOptions load;
  for (const auto& fold : options.strings("folds")) {
    try {
      load.folds.push_back(fold == "all" ? -1 : std::stoi(fold));
    } catch (const std::exception&) {
      throw usageError("--folds: \"" + fold + "\" is not a fold number or \"all\"");
    }
  }
  load.checkpointName = options.string("checkpoint");
  return load;
}

// The networks behind a SkipSeg file or an nnU-Net folder; empty for TorchScript.
std::vector<model::ImportedNetwork> nativeNetworks(const std::string& path, const model::LoadOptions& load) {
  if (fs::is_directory(path)) {
    return model::importNnUNetFolder(path, load);
  }
  if (model::looksLikeSkipSegModel(path)) {
    return model::readSkipSegModel(path);
  }
  return {};
}

int summary(const std::string& path, const cli::ParsedOptions& options) {
  const auto load = loadOptions(options);
  // Each model is read once: SkipSeg's networks directly, anything else as the runtime loads it.
  const auto networks = nativeNetworks(path, load);
  Json report;
  report["path"] = path;
  if (!networks.empty()) {
    report["kind"] = fs::is_directory(path) ? "nnunet" : "skipseg";
    report["members"] = networks.size();
    report["description"] = networks.front().description.toJson();
  } else {
    const auto models = model::loadSegmentationModels(path, load);
    report["kind"] = models.front()->kind();
    report["members"] = models.size();
    report["description"] = models.front()->description().toJson();
    report["parameters"] = models.front()->parameterCount();
  }
  report["description"].erase("format");
  report["networks"] = Json::array();
  for (const auto& network : networks) {
    const auto& description = network.description;
    std::vector<int64_t> shape{1, description.inChannels};
    shape.insert(shape.end(), description.patchSize.begin(), description.patchSize.end());
    Json summaryJson = nn::summarizeNetwork(*network.network, shape);
    if (!options.flag("layers")) {
      summaryJson.erase("layers");
    }
    report["networks"].push_back(
        {{"name", network.name}, {"configuration", network.network->configuration()}, {"summary", summaryJson}});
  }
  if (networks.empty()) {
    report["note"] = report["parameters"].get<int64_t>() > 0
                         ? "TorchScript: the architecture is compiled code; layers are not listed"
                         : "TorchScript saved frozen: its weights are constants, so neither parameters nor layers "
                           "are listed";
  }
  std::cout << report.dump(2) << std::endl;
  return 0;
}

int importModel(const std::string& path, const std::string& output, const cli::ParsedOptions& options) {
  if (output.empty()) {
    throw usageError("import needs an output file (OUTPUT.ssm)");
  }
  if (fs::path(output).extension() != ".ssm") {
    throw usageError("import writes a SkipSeg model file: " + output + " must end in .ssm (export writes TorchScript)");
  }
  if (!fs::is_directory(path)) {
    if (model::looksLikeSkipSegModel(path)) {
      throw unsupported(path, "already a SkipSeg model file");
    }
    throw unsupported(path,
                      "only nnU-Net v2 results folders can be imported; TorchScript models with "
                      "skipseg.json are used as they are");
  }
  auto networks = model::importNnUNetFolder(path, loadOptions(options));
  std::vector<model::NamedNetwork> members;
  for (auto& network : networks) {
    members.push_back({network.name, network.network.get()});
  }
  model::saveSkipSegModel(output, members, networks.front().description);
  spdlog::info("imported {} ({} fold(s)) into {}", path, members.size(), output);
  return 0;
}

int exportModel(const std::string& path, const std::string& output, const cli::ParsedOptions& options) {
  if (output.empty()) {
    throw usageError("export needs an output file (OUTPUT.pt)");
  }
  if (fs::path(output).extension() == ".ssm") {
    throw usageError("export writes TorchScript: " + output + " must not end in .ssm (import writes .ssm files)");
  }
  if (fs::path(output).extension() != ".pt" && fs::path(output).extension() != ".pth") {
    spdlog::warn("{}: TorchScript files usually end in .pt; writing it as named", output);
  }
  const auto networks = nativeNetworks(path, loadOptions(options));
  if (networks.empty()) {
    // Neither an nnU-Net folder nor a .ssm file: a TorchScript file (or no model at all).
    model::loadSegmentationModels(path);  // BadInput when it is no model
    throw unsupported(path, "already a TorchScript model; nothing to export");
  }
  const auto report = model::exportTorchScript(output, networks, path);
  std::string shape;
  for (const int64_t size : report.checkShape) shape += (shape.empty() ? "" : "x") + std::to_string(size);
  spdlog::info(
      "exported {} network(s) of {} to {}: {} traced operators; checked on a {} input, largest logit "
      "difference {:.2g}",
      networks.size(), path, output, report.tracedNodes, shape, report.maxDifference);
  return 0;
}

}  // namespace

cli::ProgramDescription modelProgramDescription() {
  cli::ProgramDescription description;
  description.name = "skipseg-model";
  description.title = "SkipSeg Model";
  description.description =
      "Inspects and converts segmentation models. `summary MODEL` prints what a model expects and produces "
      "(preprocessing, labels), its architecture, parameter count and FLOPs at its patch size, as JSON. "
      "`import FOLDER OUTPUT.ssm` turns an nnU-Net v2 results folder into one SkipSeg model file holding "
      "every fold (an ensemble). `export MODEL OUTPUT.pt` traces a .ssm file or an nnU-Net folder into a "
      "TorchScript file with skipseg.json, for Python, MONAI or Slicer; several folds become one module "
      "returning the mean of their logits. A network whose forward tracing cannot capture is refused (exit "
      "code 5) and nothing is written.";
  description.slicerModule = false;
  auto& action = description.add("action", cli::ParameterKind::Enumeration, "What to do: summary, import or export.");
  action.choices = {"summary", "import", "export"};
  action.required = true;
  action.positionalIndex = 0;
  auto& model = description.add("model", cli::ParameterKind::String,
                                "The model: a SkipSeg .ssm file, a TorchScript .pt with skipseg.json, or an nnU-Net "
                                "v2 results folder.");
  model.required = true;
  model.positionalIndex = 1;
  model.placeholder = "MODEL";
  auto& output = description.add("output", cli::ParameterKind::String, "import/export: the file to write.");
  output.positionalIndex = 2;
  output.placeholder = "FILE";
  description
      .add("folds", cli::ParameterKind::StringList,
           "nnU-Net folders: the folds to use (e.g. 0,1,2 or all); default: every fold with a checkpoint.")
      .placeholder = "K,...|all";
  auto& checkpoint =
      description.add("checkpoint", cli::ParameterKind::String, "nnU-Net folders: the checkpoint file in each fold.");
  checkpoint.defaultValue = "checkpoint_final.pth";
  checkpoint.placeholder = "NAME";
  description.add("layers", cli::ParameterKind::Flag, "summary: also list every computing layer.");
  return description;
}

int modelMain(const std::vector<std::string>& arguments) {
  return cli::runProgram(modelProgramDescription(), arguments, [](const cli::ParsedOptions& options) {
    const std::string action = options.string("action");
    const std::string path = options.string("model");
    const std::string output = options.stringOr("output", "");
    if (action == "summary") {
      return summary(path, options);
    }
    if (action == "import") {
      return importModel(path, output, options);
    }
    return exportModel(path, output, options);
  });
}

}  // namespace skipseg::programs
