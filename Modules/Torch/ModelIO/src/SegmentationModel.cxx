#include "skipseg/model/SegmentationModel.h"

#include "TorchScriptPrecision.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/Logging.h"
#include "skipseg/model/NnUNetImport.h"
#include "skipseg/model/SkipSegModelFile.h"
#include "skipseg/nn/ConvolutionKernel.h"

#include <ATen/ATen.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/serialization/import.h>

#include <filesystem>
#include <fstream>

namespace skipseg::model {
namespace {

namespace fs = std::filesystem;

// A SkipSeg network (from a .ssm file or an nnU-Net import) with its description.
class NetworkModel : public SegmentationModel {
 public:
  NetworkModel(ImportedNetwork imported, std::string kind)
      : network_(std::move(imported.network)), description_(std::move(imported.description)), kind_(std::move(kind)) {
    network_->eval();
  }

  const ModelDescription& description() const override { return description_; }
  std::string kind() const override { return kind_; }
  int64_t parameterCount() const override {
    int64_t count = 0;
    for (const auto& parameter : network_->parameters()) count += parameter.numel();
    return count;
  }

  at::Tensor forward(const at::Tensor& input) override {
    torch::NoGradGuard noGradients;
    const auto parameters = network_->parameters();
    const auto options = parameters.empty() ? input.options() : parameters.front().options();
    return network_->forward(input.to(options.device(), options.dtype().toScalarType())).to(at::kFloat);
  }

  void moveTo(const c10::Device& device, c10::ScalarType dtype) override {
    network_->to(device, dtype);
    network_->eval();
  }

 private:
  std::shared_ptr<nn::SegmentationNetwork> network_;
  ModelDescription description_;
  std::string kind_;
};

// A TorchScript module; by default frozen and optimised for inference after every move, because
// freezing folds the weights into the graph (a frozen module cannot be moved afterwards).
class TorchScriptModel : public SegmentationModel {
 public:
  TorchScriptModel(torch::jit::Module module, ModelDescription description, bool optimize)
      : original_(std::move(module)), description_(std::move(description)), optimize_(optimize) {
    original_.eval();
    for (const auto& parameter : original_.parameters(/*recurse=*/true)) parameterCount_ += parameter.numel();
  }

  const ModelDescription& description() const override { return description_; }
  std::string kind() const override { return "torchscript"; }
  int64_t parameterCount() const override { return parameterCount_; }

  at::Tensor forward(const at::Tensor& input) override {
    torch::NoGradGuard noGradients;
    if (!prepared_) {
      prepare();  // on first use: after the move a Predictor makes, freezing once
    }
    auto output = runnable_.forward({input.to(device_, dtype_)});
    if (output.isTuple()) {
      output = output.toTupleRef().elements().at(0);
    } else if (output.isList()) {
      output = output.toListRef().at(0);
    }
    if (!output.isTensor()) {
      throw badInput(description_.source, "the TorchScript model returns no tensor");
    }
    return output.toTensor().to(at::kFloat);
  }

  void moveTo(const c10::Device& device, c10::ScalarType dtype) override {
    if (!holdsOriginal_) {
      // Released after freezing (see prepare()); moving again starts from the file.
      original_ = torch::jit::load(description_.source, c10::Device(c10::kCPU));
      original_.eval();
      holdsOriginal_ = true;
    }
    original_.to(device, dtype);
    original_.eval();
    device_ = device;
    dtype_ = dtype;
    prepared_ = false;
  }

 private:
  void prepare() {
    prepared_ = true;
    runnable_ = original_;
    // bfloat16 on a CPU whose LibTorch kernel cannot run transposed convolutions in it: those run in
    // float32 inside the graph (a frozen module, or the original's methods, rewritten once).
    const bool floatTransposedConvolutions =
        dtype_ == c10::kBFloat16 && device_.is_cpu() && !nn::cpuTransposedConvolutionWorksInBFloat16();
    if (!optimize_) {
      if (floatTransposedConvolutions) {
        runnable_ = original_.clone();
        computeTransposedConvolutionsInFloat(runnable_);
      }
      return;
    }
    try {
      auto frozen = torch::jit::freeze(original_);
      if (floatTransposedConvolutions) {
        // LibTorch's inference optimisations convert float32 graphs to its MKLDNN layout; not this one.
        const int rewritten = computeTransposedConvolutionsInFloat(frozen);
        spdlog::info(
            "{}: {} transposed convolution(s) run in float32 within bfloat16 (this LibTorch's CPU kernel "
            "lacks them)",
            description_.source, rewritten);
        runnable_ = frozen;
      } else {
        runnable_ = torch::jit::optimize_for_inference(frozen);
      }
      // The frozen module holds its own copy of every weight; the original's would only wait for a
      // later move (reloaded then): one model's worth of memory less through the whole run.
      original_ = torch::jit::Module();
      holdsOriginal_ = false;
    } catch (const std::exception& error) {
      spdlog::warn("{}: running without TorchScript freezing/optimisation ({})", description_.source,
                   oneLine(std::string(error.what()).substr(0, 160)));
      runnable_ = original_;
    }
  }

  torch::jit::Module original_;
  bool holdsOriginal_ = true;
  int64_t parameterCount_ = 0;
  bool prepared_ = false;
  torch::jit::Module runnable_;
  ModelDescription description_;
  bool optimize_;
  c10::Device device_{c10::kCPU};
  c10::ScalarType dtype_ = c10::kFloat;
};

std::vector<std::unique_ptr<SegmentationModel>> loadTorchScript(const std::string& path, const LoadOptions& options) {
  torch::jit::ExtraFilesMap extra{{"skipseg.json", ""}};
  torch::jit::Module module;
  try {
    module = torch::jit::load(path, c10::Device(c10::kCPU), extra);
  } catch (const std::exception& error) {
    throw badInput(path, "cannot load the TorchScript model: " + oneLine(std::string(error.what()).substr(0, 200)));
  }
  if (extra["skipseg.json"].empty()) {
    throw badInput(
        path, "TorchScript model without skipseg.json (save it with _extra_files, see Documentation/ModelFormat.md)");
  }
  Json json;
  try {
    json = Json::parse(extra["skipseg.json"]);
  } catch (const Json::exception& error) {
    throw badInput(path, std::string("skipseg.json is not valid JSON: ") + error.what());
  }
  const std::string format = json.is_object() ? json.value("format", std::string()) : std::string();
  if (format.rfind("skipseg-torchscript/", 0) != 0) {
    throw badInput(path, "skipseg.json has no \"format\": \"skipseg-torchscript/1\"");
  }
  if (format != "skipseg-torchscript/1") {
    throw unsupported(path,
                      "skipseg.json format " + format + " is newer than this SkipSeg reads (skipseg-torchscript/1)");
  }
  auto description = ModelDescription::fromJson(json, path);
  description.source = path;
  std::vector<std::unique_ptr<SegmentationModel>> models;
  models.push_back(
      std::make_unique<TorchScriptModel>(std::move(module), std::move(description), options.optimizeForInference));
  return models;
}

}  // namespace

std::vector<std::unique_ptr<SegmentationModel>> loadSegmentationModels(const std::string& path,
                                                                       const LoadOptions& options) {
  std::vector<std::unique_ptr<SegmentationModel>> models;
  if (fs::is_directory(path)) {
    for (auto& imported : importNnUNetFolder(path, options)) {
      models.push_back(std::make_unique<NetworkModel>(std::move(imported), "nnunet"));
    }
    return models;
  }
  if (!fs::exists(path)) {
    throw badInput(path, "does not exist");
  }
  {
    std::ifstream file(path, std::ios::binary);
    char head[2] = {0, 0};
    if (!file.read(head, 2) || head[0] != 'P' || head[1] != 'K') {
      throw badInput(path, "not a model file (a SkipSeg .ssm, a TorchScript .pt or an nnU-Net results folder)");
    }
  }
  bool skipseg = false, torchscript = false, checkpoint = false;
  try {
    caffe2::serialize::PyTorchStreamReader reader(path);
    skipseg = reader.hasRecord("skipseg-model.json");
    torchscript = reader.hasRecord("constants.pkl") || reader.hasRecord("code/__torch__.py");
    checkpoint = reader.hasRecord("data.pkl");
  } catch (const std::exception& error) {
    throw badInput(path, "corrupt model archive: " + oneLine(std::string(error.what()).substr(0, 200)));
  }
  if (skipseg) {
    for (auto& network : readSkipSegModel(path)) {
      models.push_back(std::make_unique<NetworkModel>(std::move(network), "skipseg"));
    }
  } else if (torchscript) {
    models = loadTorchScript(path, options);
  } else if (checkpoint) {
    throw unsupported(path,
                      "a bare PyTorch checkpoint holds no architecture: give the nnU-Net results folder "
                      "around it, or a TorchScript model with skipseg.json");
  } else {
    throw badInput(path, "a zip archive that is not a model file");
  }
  return models;
}

}  // namespace skipseg::model
