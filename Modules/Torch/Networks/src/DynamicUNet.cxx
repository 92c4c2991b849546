#include "skipseg/nn/DynamicUNet.h"

#include "skipseg/core/Error.h"
#include "skipseg/nn/ConvolutionKernel.h"
#include "skipseg/nn/LayerRecorder.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <numeric>
#include <set>

namespace skipseg::nn {
namespace {

using Json = nlohmann::json;

[[noreturn]] void fail(const std::string& architecture, const std::string& key, const std::string& problem) {
  throw badInput("network configuration", architecture + ": \"" + key + "\" " + problem);
}

int64_t product(const std::vector<int64_t>& values) {
  return std::accumulate(values.begin(), values.end(), int64_t{1}, std::multiplies<int64_t>());
}

// A convolution (or transposed convolution) of any spatial dimension, with nnU-Net's parameter
// names "weight" and "bias". One module for 2D and 3D keeps the network code dimension-free.
class ConvLayer : public torch::nn::Module {
 public:
  ConvLayer(int64_t inChannels, int64_t outChannels, std::vector<int64_t> kernel, std::vector<int64_t> stride,
            bool bias, bool transposed)
      : kernel_(std::move(kernel)), stride_(std::move(stride)), transposed_(transposed) {
    for (const auto size : kernel_) {
      padding_.push_back(transposed ? 0 : (size - 1) / 2);
    }
    std::vector<int64_t> shape =
        transposed ? std::vector<int64_t>{inChannels, outChannels} : std::vector<int64_t>{outChannels, inChannels};
    shape.insert(shape.end(), kernel_.begin(), kernel_.end());
    weight = register_parameter("weight", torch::empty(shape));
    if (bias) {
      this->bias = register_parameter("bias", torch::zeros({outChannels}));
    }
  }

  torch::Tensor forward(const torch::Tensor& input) {
    const std::vector<int64_t> dilation(kernel_.size(), 1);
    const std::vector<int64_t> outputPadding(kernel_.size(), 0);
    auto output = nn::convolution(input, weight, bias, stride_, padding_, dilation, transposed_, outputPadding, 1);
    if (LayerRecorder::active()) {
      // Multiply-adds: every output (conv) or input (transposed) element meets one kernel window.
      const int64_t windows = transposed_ ? input.numel() / input.size(1) : output.numel() / output.size(1);
      const int64_t perWindow = weight.size(0) * weight.size(1) * product(kernel_);
      const auto type = std::string(transposed_ ? "ConvTranspose" : "Conv") + std::to_string(kernel_.size()) + "d";
      recordLayer(*this, type.c_str(), output, 2 * windows * perWindow);
    }
    return output;
  }

  /// He (Kaiming) normal initialisation with leaky-ReLU slope `a`, as nnU-Net's InitWeights_He.
  void initialize(double a, at::Generator& generator) {
    torch::NoGradGuard noGradients;
    const int64_t fanIn = weight.size(1) * product(kernel_);
    const double gain = std::sqrt(2.0 / (1.0 + a * a));
    weight.normal_(0.0, gain / std::sqrt(static_cast<double>(fanIn)), generator);
    if (bias.defined()) {
      bias.zero_();
    }
  }

  torch::Tensor weight, bias;

 private:
  std::vector<int64_t> kernel_, stride_, padding_;
  bool transposed_;
};

class NormLayer : public torch::nn::Module {
 public:
  NormLayer(int64_t channels, const DynamicUNetOptions& options)
      : batch_(options.norm == "batch"), eps_(options.normEps) {
    if (options.normAffine) {
      weight = register_parameter("weight", torch::ones({channels}));
      bias = register_parameter("bias", torch::zeros({channels}));
    }
    if (batch_) {
      runningMean_ = register_buffer("running_mean", torch::zeros({channels}));
      runningVar_ = register_buffer("running_var", torch::ones({channels}));
      batchesTracked_ = register_buffer("num_batches_tracked", torch::zeros({}, torch::kLong));
    }
  }

  torch::Tensor forward(const torch::Tensor& input) {
    const bool cudnn = at::globalContext().userEnabledCuDNN();
    if (!batch_) {
      return at::instance_norm(input, weight, bias, {}, {}, true, 0.1, eps_, cudnn);
    }
    if (is_training()) {
      torch::NoGradGuard noGradients;
      batchesTracked_.add_(1);
    }
    return at::batch_norm(input, weight, bias, runningMean_, runningVar_, is_training(), 0.1, eps_, cudnn);
  }

  void zeroScale() {
    if (weight.defined()) {
      torch::NoGradGuard noGradients;
      weight.zero_();
    }
  }

  torch::Tensor weight, bias;

 private:
  bool batch_;
  double eps_;
  torch::Tensor runningMean_, runningVar_, batchesTracked_;
};

// nnU-Net's ConvDropoutNormReLU: conv -> norm -> nonlinearity (or conv -> nonlinearity -> norm).
class ConvNormAct : public torch::nn::Module {
 public:
  ConvNormAct(int64_t inChannels, int64_t outChannels, const std::vector<int64_t>& kernel,
              const std::vector<int64_t>& stride, bool bias, bool withNonlin, const DynamicUNetOptions& options)
      : withNonlin_(withNonlin && options.nonlin != "none"),
        nonlinFirst_(options.nonlinFirst),
        leaky_(options.nonlin == "leaky_relu"),
        slope_(options.negativeSlope) {
    conv = register_module("conv", std::make_shared<ConvLayer>(inChannels, outChannels, kernel, stride, bias, false));
    if (options.norm != "none") {
      norm = register_module("norm", std::make_shared<NormLayer>(outChannels, options));
    }
  }

  torch::Tensor forward(const torch::Tensor& input) {
    auto x = conv->forward(input);
    if (nonlinFirst_) {
      x = activate(x);
      return norm ? norm->forward(x) : x;
    }
    if (norm) {
      x = norm->forward(x);
    }
    return activate(x);
  }

  torch::Tensor activate(const torch::Tensor& x) const {
    if (!withNonlin_) {
      return x;
    }
    return leaky_ ? at::leaky_relu(x, slope_) : at::relu(x);
  }

  std::shared_ptr<ConvLayer> conv;
  std::shared_ptr<NormLayer> norm;

 private:
  bool withNonlin_, nonlinFirst_, leaky_;
  double slope_;
};

// nnU-Net's StackedConvBlocks: "convs.<i>", the first conv carrying the stage's stride.
class StackedConvs : public torch::nn::Module {
 public:
  StackedConvs(int64_t count, int64_t inChannels, int64_t outChannels, const std::vector<int64_t>& kernel,
               const std::vector<int64_t>& stride, const DynamicUNetOptions& options) {
    auto container = register_module("convs", std::make_shared<torch::nn::Module>("Sequential"));
    const std::vector<int64_t> unit(kernel.size(), 1);
    for (int64_t i = 0; i < count; ++i) {
      layers_.push_back(container->register_module(
          std::to_string(i), std::make_shared<ConvNormAct>(i == 0 ? inChannels : outChannels, outChannels, kernel,
                                                           i == 0 ? stride : unit, options.convBias, true, options)));
    }
  }

  torch::Tensor forward(torch::Tensor x) {
    for (auto& layer : layers_) {
      x = layer->forward(x);
    }
    return x;
  }

 private:
  std::vector<std::shared_ptr<ConvNormAct>> layers_;
};

// dynamic-network-architectures' BasicBlockD (ResNet-D): conv1 (with stride) -> conv2 (no nonlinearity),
// shortcut = avg-pool (when strided) then 1x1 conv + norm (when the width changes), add, nonlinearity.
class ResidualBlock : public torch::nn::Module {
 public:
  ResidualBlock(int64_t inChannels, int64_t outChannels, const std::vector<int64_t>& kernel,
                const std::vector<int64_t>& stride, const DynamicUNetOptions& options)
      : stride_(stride) {
    conv1 = register_module("conv1", std::make_shared<ConvNormAct>(inChannels, outChannels, kernel, stride,
                                                                   options.convBias, true, options));
    const std::vector<int64_t> unit(kernel.size(), 1);
    conv2 = register_module("conv2", std::make_shared<ConvNormAct>(outChannels, outChannels, kernel, unit,
                                                                   options.convBias, false, options));
    strided_ = stride != unit;
    if (strided_ || inChannels != outChannels) {
      auto skip = register_module("skip", std::make_shared<torch::nn::Module>("Sequential"));
      if (inChannels != outChannels) {
        // Index 1 when the pooling (which has no parameters) sits at index 0, as in nnU-Net.
        projection_ = skip->register_module(
            strided_ ? "1" : "0",
            std::make_shared<ConvNormAct>(inChannels, outChannels, unit, unit, false, false, options));
      }
    }
  }

  torch::Tensor forward(const torch::Tensor& input) {
    torch::Tensor residual = input;
    if (strided_) {
      residual =
          stride_.size() == 3 ? at::avg_pool3d(input, stride_, stride_) : at::avg_pool2d(input, stride_, stride_);
    }
    if (projection_) {
      residual = projection_->forward(residual);
    }
    return conv1->activate(conv2->forward(conv1->forward(input)) + residual);  // conv1's nonlinearity
  }

  std::shared_ptr<ConvNormAct> conv1, conv2;

 private:
  std::vector<int64_t> stride_;
  bool strided_ = false;
  std::shared_ptr<ConvNormAct> projection_;
};

// nnU-Net's StackedResidualBlocks: "blocks.<i>".
class StackedResidualBlocks : public torch::nn::Module {
 public:
  StackedResidualBlocks(int64_t count, int64_t inChannels, int64_t outChannels, const std::vector<int64_t>& kernel,
                        const std::vector<int64_t>& stride, const DynamicUNetOptions& options) {
    auto container = register_module("blocks", std::make_shared<torch::nn::Module>("Sequential"));
    const std::vector<int64_t> unit(kernel.size(), 1);
    for (int64_t i = 0; i < count; ++i) {
      blocks.push_back(container->register_module(
          std::to_string(i), std::make_shared<ResidualBlock>(i == 0 ? inChannels : outChannels, outChannels, kernel,
                                                             i == 0 ? stride : unit, options)));
    }
  }

  torch::Tensor forward(torch::Tensor x) {
    for (auto& block : blocks) {
      x = block->forward(x);
    }
    return x;
  }

  std::vector<std::shared_ptr<ResidualBlock>> blocks;
};

std::vector<int64_t> perStageIntegers(const Json& configuration, const std::string& architecture,
                                      const std::string& key, size_t count, const std::vector<int64_t>& fallback,
                                      int64_t minimum) {
  if (!configuration.contains(key)) {
    if (fallback.empty()) {
      fail(architecture, key, "is required");
    }
    return fallback;
  }
  const Json& value = configuration.at(key);
  std::vector<int64_t> values;
  if (value.is_number_integer()) {
    values.assign(count, value.get<int64_t>());
  } else if (value.is_array()) {
    for (const auto& entry : value) {
      if (!entry.is_number_integer()) {
        fail(architecture, key, "must hold integers");
      }
      values.push_back(entry.get<int64_t>());
    }
  } else {
    fail(architecture, key, "must be an integer or a list of integers");
  }
  if (values.size() != count) {
    fail(architecture, key, "must have " + std::to_string(count) + " entries, not " + std::to_string(values.size()));
  }
  for (const auto entry : values) {
    if (entry < minimum) {
      fail(architecture, key, "entries must be at least " + std::to_string(minimum));
    }
  }
  return values;
}

std::vector<std::vector<int64_t>> perStageShapes(const Json& configuration, const std::string& architecture,
                                                 const std::string& key, int64_t dims) {
  if (!configuration.contains(key) || !configuration.at(key).is_array() || configuration.at(key).empty()) {
    fail(architecture, key, "must list one entry per stage");
  }
  std::vector<std::vector<int64_t>> shapes;
  for (const auto& entry : configuration.at(key)) {
    std::vector<int64_t> shape;
    if (entry.is_number_integer()) {
      shape.assign(static_cast<size_t>(dims), entry.get<int64_t>());
    } else if (entry.is_array() && entry.size() == static_cast<size_t>(dims)) {
      for (const auto& size : entry) {
        if (!size.is_number_integer()) {
          fail(architecture, key, "must hold integers");
        }
        shape.push_back(size.get<int64_t>());
      }
    } else {
      fail(architecture, key, "entries must be an integer or " + std::to_string(dims) + " integers");
    }
    for (const auto size : shape) {
      if (size < 1) {
        fail(architecture, key, "entries must be positive");
      }
    }
    shapes.push_back(shape);
  }
  return shapes;
}

template <typename T>
T readValue(const Json& configuration, const std::string& architecture, const std::string& key, T fallback) {
  if (!configuration.contains(key) || configuration.at(key).is_null()) {
    return fallback;
  }
  try {
    return configuration.at(key).get<T>();
  } catch (const Json::exception&) {
    fail(architecture, key, "has the wrong type");
  }
}

}  // namespace

DynamicUNetOptions DynamicUNetOptions::fromJson(const Json& configuration) {
  if (!configuration.is_object()) {
    throw badInput("network configuration", "must be a JSON object");
  }
  const std::string architecture = configuration.value("architecture", std::string("nnunet"));
  if (architecture != "nnunet" && architecture != "nnunet_resenc") {
    throw badInput("network configuration", "architecture \"" + architecture + "\" is not a dynamic U-Net");
  }
  static const std::set<std::string> known{"architecture",
                                           "spatial_dims",
                                           "in_channels",
                                           "num_classes",
                                           "kernel_sizes",
                                           "strides",
                                           "features_per_stage",
                                           "base_features",
                                           "max_features",
                                           "n_conv_per_stage",
                                           "n_blocks_per_stage",
                                           "n_conv_per_stage_decoder",
                                           "conv_bias",
                                           "norm",
                                           "norm_eps",
                                           "norm_affine",
                                           "nonlin",
                                           "negative_slope",
                                           "nonlin_first",
                                           "stem_channels",
                                           "seed"};
  for (const auto& item : configuration.items()) {
    if (!known.count(item.key())) {
      fail(architecture, item.key(), "is not a setting of this architecture");
    }
  }
  DynamicUNetOptions options;
  options.residualEncoder = architecture == "nnunet_resenc";
  options.spatialDims = readValue<int64_t>(configuration, architecture, "spatial_dims", 3);
  if (options.spatialDims != 2 && options.spatialDims != 3) {
    fail(architecture, "spatial_dims", "must be 2 or 3");
  }
  options.inChannels = readValue<int64_t>(configuration, architecture, "in_channels", 1);
  if (!configuration.contains("num_classes")) {
    fail(architecture, "num_classes", "is required");
  }
  options.numClasses = readValue<int64_t>(configuration, architecture, "num_classes", 0);
  if (options.inChannels < 1 || options.numClasses < 1) {
    fail(architecture, options.inChannels < 1 ? "in_channels" : "num_classes", "must be at least 1");
  }
  options.kernelSizes = perStageShapes(configuration, architecture, "kernel_sizes", options.spatialDims);
  options.strides = perStageShapes(configuration, architecture, "strides", options.spatialDims);
  const size_t stages = options.kernelSizes.size();
  if (options.strides.size() != stages) {
    fail(architecture, "strides", "must have as many entries as \"kernel_sizes\" (" + std::to_string(stages) + ")");
  }
  if (stages < 2) {
    fail(architecture, "kernel_sizes", "must describe at least 2 stages");
  }
  if (configuration.contains("features_per_stage")) {
    options.featuresPerStage = perStageIntegers(configuration, architecture, "features_per_stage", stages, {}, 1);
  } else {
    const auto base = readValue<int64_t>(configuration, architecture, "base_features", 32);
    const auto cap = readValue<int64_t>(configuration, architecture, "max_features", 320);
    if (base < 1 || cap < base) {
      fail(architecture, "base_features", "must be at least 1 and at most \"max_features\"");
    }
    for (size_t s = 0; s < stages; ++s) {
      options.featuresPerStage.push_back(std::min(base << s, cap));
    }
  }
  const std::string perStageKey = options.residualEncoder ? "n_blocks_per_stage" : "n_conv_per_stage";
  const std::string otherKey = options.residualEncoder ? "n_conv_per_stage" : "n_blocks_per_stage";
  if (configuration.contains(otherKey)) {
    fail(architecture, otherKey, "belongs to the other encoder; use \"" + perStageKey + "\"");
  }
  options.convsPerStage =
      perStageIntegers(configuration, architecture, perStageKey, stages, std::vector<int64_t>(stages, 2), 1);
  options.convsPerDecoderStage = perStageIntegers(configuration, architecture, "n_conv_per_stage_decoder", stages - 1,
                                                  std::vector<int64_t>(stages - 1, 2), 1);
  options.convBias = readValue<bool>(configuration, architecture, "conv_bias", true);
  options.norm = readValue<std::string>(configuration, architecture, "norm", "instance");
  if (options.norm != "instance" && options.norm != "batch" && options.norm != "none") {
    fail(architecture, "norm", "must be \"instance\", \"batch\" or \"none\"");
  }
  options.normEps = readValue<double>(configuration, architecture, "norm_eps", 1e-5);
  options.normAffine = readValue<bool>(configuration, architecture, "norm_affine", true);
  options.nonlin = readValue<std::string>(configuration, architecture, "nonlin", "leaky_relu");
  if (options.nonlin != "leaky_relu" && options.nonlin != "relu") {
    fail(architecture, "nonlin", "must be \"leaky_relu\" or \"relu\"");
  }
  options.negativeSlope = readValue<double>(configuration, architecture, "negative_slope", 1e-2);
  options.nonlinFirst = readValue<bool>(configuration, architecture, "nonlin_first", false);
  if (options.nonlinFirst && options.residualEncoder) {
    fail(architecture, "nonlin_first", "is not available with the residual encoder");
  }
  options.stemChannels = readValue<int64_t>(configuration, architecture, "stem_channels", 0);
  if (options.stemChannels < 0) {
    fail(architecture, "stem_channels", "must not be negative");
  }
  options.seed = readValue<uint64_t>(configuration, architecture, "seed", 0);
  return options;
}

Json DynamicUNetOptions::toJson() const {
  Json json;
  json["architecture"] = residualEncoder ? "nnunet_resenc" : "nnunet";
  json["spatial_dims"] = spatialDims;
  json["in_channels"] = inChannels;
  json["num_classes"] = numClasses;
  json["features_per_stage"] = featuresPerStage;
  json["kernel_sizes"] = kernelSizes;
  json["strides"] = strides;
  json[residualEncoder ? "n_blocks_per_stage" : "n_conv_per_stage"] = convsPerStage;
  json["n_conv_per_stage_decoder"] = convsPerDecoderStage;
  json["conv_bias"] = convBias;
  json["norm"] = norm;
  json["norm_eps"] = normEps;
  json["norm_affine"] = normAffine;
  json["nonlin"] = nonlin;
  json["negative_slope"] = negativeSlope;
  if (!residualEncoder) {
    json["nonlin_first"] = nonlinFirst;
  } else {
    json["stem_channels"] = stemChannels;
  }
  json["seed"] = seed;
  return json;
}

struct DynamicUNet::Impl {
  std::shared_ptr<StackedConvs> stem;  // residual encoder only
  std::vector<std::shared_ptr<torch::nn::Module>> encoderStages;
  std::vector<std::shared_ptr<ConvLayer>> transposedConvs;
  std::vector<std::shared_ptr<StackedConvs>> decoderStages;
  std::vector<std::shared_ptr<ConvLayer>> segmentationHeads;
};

DynamicUNet::DynamicUNet(DynamicUNetOptions options) : options_(std::move(options)), impl_(std::make_shared<Impl>()) {
  const auto& o = options_;
  const size_t stages = o.stageCount();
  const std::vector<int64_t> unit(static_cast<size_t>(o.spatialDims), 1);
  auto encoder = register_module("encoder", std::make_shared<torch::nn::Module>("Encoder"));
  int64_t channels = o.inChannels;
  if (o.residualEncoder) {
    const int64_t stemChannels = o.stemChannels > 0 ? o.stemChannels : o.featuresPerStage[0];
    impl_->stem = encoder->register_module(
        "stem", std::make_shared<StackedConvs>(1, channels, stemChannels, o.kernelSizes[0], unit, o));
    channels = stemChannels;
  }
  auto encoderStages = encoder->register_module("stages", std::make_shared<torch::nn::Module>("Sequential"));
  for (size_t s = 0; s < stages; ++s) {
    const auto name = std::to_string(s);
    if (o.residualEncoder) {
      impl_->encoderStages.push_back(encoderStages->register_module(
          name, std::make_shared<StackedResidualBlocks>(o.convsPerStage[s], channels, o.featuresPerStage[s],
                                                        o.kernelSizes[s], o.strides[s], o)));
    } else {
      // The plain encoder wraps each stage in a Sequential: "stages.<s>.0.convs.<i>".
      auto stage = encoderStages->register_module(name, std::make_shared<torch::nn::Module>("Sequential"));
      stage->register_module("0", std::make_shared<StackedConvs>(o.convsPerStage[s], channels, o.featuresPerStage[s],
                                                                 o.kernelSizes[s], o.strides[s], o));
      impl_->encoderStages.push_back(stage);
    }
    channels = o.featuresPerStage[s];
  }
  auto decoder = register_module("decoder", std::make_shared<torch::nn::Module>("Decoder"));
  auto decoderStages = decoder->register_module("stages", std::make_shared<torch::nn::Module>("ModuleList"));
  auto transposedConvs = decoder->register_module("transpconvs", std::make_shared<torch::nn::Module>("ModuleList"));
  auto heads = decoder->register_module("seg_layers", std::make_shared<torch::nn::Module>("ModuleList"));
  for (size_t s = 0; s + 1 < stages; ++s) {
    const size_t below = stages - 1 - s;
    const size_t skip = stages - 2 - s;
    const auto name = std::to_string(s);
    impl_->transposedConvs.push_back(transposedConvs->register_module(
        name, std::make_shared<ConvLayer>(o.featuresPerStage[below], o.featuresPerStage[skip], o.strides[below],
                                          o.strides[below], o.convBias, true)));
    impl_->decoderStages.push_back(decoderStages->register_module(
        name, std::make_shared<StackedConvs>(o.convsPerDecoderStage[s], 2 * o.featuresPerStage[skip],
                                             o.featuresPerStage[skip], o.kernelSizes[skip], unit, o)));
    impl_->segmentationHeads.push_back(heads->register_module(
        name, std::make_shared<ConvLayer>(o.featuresPerStage[skip], o.numClasses, unit, unit, true, false)));
  }

  // nnU-Net's initialisation: He normal (slope 1e-2) for every conv, norms at 1 / 0, and in residual
  // blocks the last norm before the addition at 0 so that every block starts as the identity.
  auto generator = at::detail::createCPUGenerator(o.seed);
  for (const auto& module : modules(/*include_self=*/false)) {
    if (auto* conv = dynamic_cast<ConvLayer*>(module.get())) {
      conv->initialize(1e-2, generator);
    }
  }
  if (o.residualEncoder) {
    for (const auto& stage : impl_->encoderStages) {
      for (const auto& block : std::static_pointer_cast<StackedResidualBlocks>(stage)->blocks) {
        if (block->conv2->norm) {
          block->conv2->norm->zeroScale();
        }
      }
    }
  }
}

std::vector<torch::Tensor> DynamicUNet::run(const torch::Tensor& input, bool allHeads) {
  if (input.dim() != options_.spatialDims + 2 || input.size(1) != options_.inChannels) {
    throw badInput("network input", "expected [N, " + std::to_string(options_.inChannels) + ", " +
                                        std::to_string(options_.spatialDims) + " spatial axes], got " +
                                        std::to_string(input.dim()) + " axes with " +
                                        std::to_string(input.dim() > 1 ? input.size(1) : 0) + " channels");
  }
  torch::Tensor x = impl_->stem ? impl_->stem->forward(input) : input;
  std::vector<torch::Tensor> skips;
  for (const auto& stage : impl_->encoderStages) {
    if (options_.residualEncoder) {
      x = std::static_pointer_cast<StackedResidualBlocks>(stage)->forward(x);
    } else {
      x = std::static_pointer_cast<StackedConvs>(stage->children().front())->forward(x);
    }
    skips.push_back(x);
  }
  std::vector<torch::Tensor> outputs;
  const size_t decoderStages = impl_->decoderStages.size();
  for (size_t s = 0; s < decoderStages; ++s) {
    x = impl_->transposedConvs[s]->forward(x);
    x = at::cat({x, skips[decoderStages - 1 - s]}, 1);
    x = impl_->decoderStages[s]->forward(x);
    if (allHeads || s + 1 == decoderStages) {
      outputs.push_back(impl_->segmentationHeads[s]->forward(x));
    }
  }
  std::reverse(outputs.begin(), outputs.end());
  return outputs;
}

torch::Tensor DynamicUNet::forward(const torch::Tensor& input) {
  return run(input, false).front();
}

std::vector<torch::Tensor> DynamicUNet::forwardDeepSupervision(const torch::Tensor& input) {
  return run(input, true);
}

std::string DynamicUNet::canonicalParameterName(const std::string& key, bool* isDuplicate) {
  bool duplicate = false;
  std::string name = key;
  const std::string decoderEncoder = "decoder.encoder.";
  if (name.rfind(decoderEncoder, 0) == 0) {
    name = name.substr(std::string("decoder.").size());
    duplicate = true;
  }
  const std::string allModules = ".all_modules.";
  const auto position = name.find(allModules);
  if (position != std::string::npos) {
    const auto indexStart = position + allModules.size();
    const auto indexEnd = name.find('.', indexStart);
    if (indexEnd != std::string::npos) {
      // all_modules holds [conv, (dropout), norm, nonlinearity]: index 0 is the conv, the only other
      // entry with tensors is the norm.
      const bool isConv = name.compare(indexStart, indexEnd - indexStart, "0") == 0;
      name = name.substr(0, position) + (isConv ? ".conv" : ".norm") + name.substr(indexEnd);
      duplicate = true;
    }
  }
  if (isDuplicate) {
    *isDuplicate = duplicate;
  }
  return name;
}

std::shared_ptr<SegmentationNetwork> makeDynamicUNet(const Json& configuration) {
  return std::make_shared<DynamicUNet>(DynamicUNetOptions::fromJson(configuration));
}

}  // namespace skipseg::nn
