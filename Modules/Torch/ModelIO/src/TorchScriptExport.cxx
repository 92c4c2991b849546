#include "skipseg/model/TorchScriptExport.h"

#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/Version.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/frontend/tracer.h>
#include <torch/csrc/jit/serialization/import.h>

#include <algorithm>
#include <set>

namespace skipseg::model {
namespace {

/// TorchScript attribute names must be identifiers: "encoder.0.conv.weight" of member 1 becomes
/// "m1__encoder_0_conv_weight".
std::string attributeName(std::size_t member, const std::string& name) {
  std::string flat = name;
  std::replace(flat.begin(), flat.end(), '.', '_');
  return "m" + std::to_string(member) + "__" + flat;
}

/// A TorchScript module that owns the very tensors of `networks` (same storage, not copies): the
/// tracer recognises them in the C++ forward and records reads of the module's attributes.
torch::jit::Module moduleSharingTheWeights(const std::vector<ImportedNetwork>& networks) {
  torch::jit::Module module(c10::QualifiedName("__torch__.skipseg.ExportedSegmentationNetwork"));
  module.register_attribute("training", c10::BoolType::get(), false);
  std::set<std::string> names;
  for (std::size_t m = 0; m < networks.size(); ++m) {
    auto& network = *networks[m].network;
    for (const auto& item : network.named_parameters(true)) {
      const std::string name = attributeName(m, item.key());
      if (!names.insert(name).second) {
        throw internalError("TorchScript export: two tensors map to the attribute " + name);
      }
      module.register_parameter(name, item.value(), false);
    }
    for (const auto& item : network.named_buffers(true)) {
      const std::string name = attributeName(m, item.key());
      if (!names.insert(name).second) {
        throw internalError("TorchScript export: two tensors map to the attribute " + name);
      }
      module.register_buffer(name, item.value());
    }
  }
  return module;
}

/// The networks' own answer: one network's logits, or the mean of the folds' logits.
at::Tensor meanLogits(const std::vector<ImportedNetwork>& networks, const at::Tensor& input) {
  at::Tensor sum;
  for (const auto& entry : networks) {
    const at::Tensor logits = entry.network->forward(input);
    sum = sum.defined() ? sum + logits : logits;
  }
  return networks.size() > 1 ? sum / static_cast<double>(networks.size()) : sum;
}

at::Tensor randomInput(std::vector<int64_t> shape, uint64_t seed) {
  auto generator = at::detail::createCPUGenerator(seed);
  return at::randn(shape, generator, at::TensorOptions().dtype(at::kFloat));
}

std::string shapeText(const std::vector<int64_t>& shape) {
  std::string text;
  for (const int64_t size : shape) text += (text.empty() ? "" : "x") + std::to_string(size);
  return text;
}

}  // namespace

TorchScriptExportReport exportTorchScript(const std::string& outputPath, const std::vector<ImportedNetwork>& networks,
                                          const std::string& source) {
  if (networks.empty()) {
    throw internalError("exportTorchScript without a network");
  }
  ModelDescription description = networks.front().description;
  if (description.patchSize.empty()) {
    throw unsupported(source, "cannot be exported to TorchScript: the model names no patch size to trace at");
  }
  for (const auto& entry : networks) {
    entry.network->eval();  // dropout, drop-path and batch statistics off: inference is what is traced
  }
  std::vector<int64_t> shape{1, description.inChannels};
  shape.insert(shape.end(), description.patchSize.begin(), description.patchSize.end());

  torch::NoGradGuard noGradients;
  torch::jit::Module module = moduleSharingTheWeights(networks);
  std::shared_ptr<torch::jit::Graph> graph;
  try {
    auto traced = torch::jit::tracer::trace(
        {randomInput(shape, 1)},
        [&](torch::jit::Stack inputs) -> torch::jit::Stack { return {meanLogits(networks, inputs.at(0).toTensor())}; },
        [](const torch::autograd::Variable&) { return std::string(); }, /*strict=*/true,
        /*force_outplace=*/false, &module);
    graph = traced.first->graph;
  } catch (const skipseg::Error&) {
    throw;
  } catch (const std::exception& error) {
    throw unsupported(source,
                      "cannot be traced into TorchScript: " + oneLine(std::string(error.what()).substr(0, 200)));
  }
  auto* forward = module._ivalue()->compilation_unit()->create_function(
      c10::QualifiedName(*module.type()->name(), "forward"), graph);
  module.type()->addMethod(forward);

  description.output = "logits";
  description.source.clear();
  description.provenance["exported_from"] = source;
  description.provenance["exported_networks"] = Json::array();
  for (const auto& entry : networks) {
    description.provenance["exported_networks"].push_back(
        {{"name", entry.name}, {"network", entry.network->configuration()}});
  }
  description.provenance["exported_by"] = "skipseg-model export " + version();
  description.provenance["export_method"] =
      networks.size() > 1 ? "traced; forward returns the mean of the networks' logits" : "traced";
  torch::jit::ExtraFilesMap extra{{"skipseg.json", description.toJson().dump(2)}};

  TorchScriptExportReport report;
  report.tracedNodes = static_cast<int64_t>(std::distance(graph->nodes().begin(), graph->nodes().end()));
  AtomicOutput output(outputPath);
  try {
    module.save(output.temporaryPath(), extra);
  } catch (const c10::Error& error) {
    throw outputFailed(outputPath, "cannot write the TorchScript file: " + oneLine(error.what_without_backtrace()));
  }

  // The check: the file as another program will load it, on inputs the trace never saw, with another
  // batch size. The input and its negation take opposite sides of any branch on the sign of a mean,
  // so a frozen branch or shape shows up here as different logits.
  report.checkShape = shape;
  report.checkShape[0] = 2;
  const at::Tensor check = randomInput(report.checkShape, 2);
  torch::jit::Module reloaded;
  try {
    reloaded = torch::jit::load(output.temporaryPath(), c10::Device(c10::kCPU));
  } catch (const std::exception& error) {
    throw internalError(outputPath + ": the TorchScript file just written does not load: " +
                        oneLine(std::string(error.what()).substr(0, 200)));
  }
  for (const at::Tensor& input : {check, -check}) {
    at::Tensor exported;
    try {
      exported = reloaded.forward({input}).toTensor();
    } catch (const std::exception& error) {
      throw unsupported(source, "cannot be exported to TorchScript: the traced module fails on a " +
                                    shapeText(report.checkShape) + " input (" +
                                    oneLine(std::string(error.what()).substr(0, 200)) + ")");
    }
    const at::Tensor expected = meanLogits(networks, input);
    if (exported.sizes() != expected.sizes()) {
      throw unsupported(source, "cannot be exported to TorchScript: the traced module gives a " +
                                    shapeText(exported.sizes().vec()) + " output for a " +
                                    shapeText(report.checkShape) +
                                    " input (the network's forward reads sizes from its input, which tracing "
                                    "freezes)");
    }
    const double difference = (exported - expected).abs().max().item<double>();
    report.maxDifference = std::max(report.maxDifference, difference);
    if (!(difference <= 1e-5 * std::max(1.0, expected.abs().max().item<double>()))) {
      throw unsupported(source,
                        "cannot be exported to TorchScript: the traced module differs from the network "
                        "by " +
                            std::to_string(difference) +
                            " on another input (its forward branches on values or sizes, which tracing "
                            "freezes)");
    }
  }
  output.commit();
  return report;
}

}  // namespace skipseg::model
