#include "skipseg/nn/architectures/UNet.h"

#include "skipseg/core/Error.h"
#include "skipseg/nn/Initialization.h"

#include <ATen/ATen.h>

#include <cstdint>

#include <algorithm>

namespace skipseg::nn {

std::vector<int64_t> featuresPerLevel(int64_t base, int64_t maximum, int64_t depth) {
  std::vector<int64_t> features;
  for (int64_t level = 0; level <= depth; ++level) {
    features.push_back(std::min(base << level, maximum));
  }
  return features;
}

void checkInput(const torch::Tensor& input, int spatialDims, int64_t channels) {
  if (input.dim() != spatialDims + 2 || input.size(1) != channels) {
    std::string shape;
    for (const auto size : input.sizes()) {
      shape += (shape.empty() ? "" : ", ") + std::to_string(size);
    }
    throw badInput("network input", "shape [" + shape + "] is not [N, " + std::to_string(channels) + ", " +
                                        (spatialDims == 3 ? "D, H, W" : "H, W") + "]");
  }
}

torch::Tensor padToMultiple(const torch::Tensor& input, int64_t multiple, bool padInput, const std::string& what) {
  std::vector<int64_t> padding;  // last axis first, (before, after) pairs: constant_pad_nd's order
  bool needed = false;
  for (int64_t axis = input.dim() - 1; axis >= 2; --axis) {
    const int64_t missing = (multiple - input.size(axis) % multiple) % multiple;
    needed = needed || missing > 0;
    padding.push_back(0);
    padding.push_back(missing);
  }
  if (!needed) {
    return input;
  }
  if (!padInput) {
    std::string sizes;
    for (int64_t axis = 2; axis < input.dim(); ++axis) {
      sizes += (sizes.empty() ? "" : "x") + std::to_string(input.size(axis));
    }
    throw badInput("network input", "size " + sizes + " is not divisible by " + std::to_string(multiple) + " (" + what +
                                        "); set \"pad_input\": true or crop the input");
  }
  return at::constant_pad_nd(input, padding, 0.0);
}

torch::Tensor cropTo(const torch::Tensor& tensor, const std::vector<int64_t>& size, int64_t factor) {
  auto cropped = tensor;
  for (size_t axis = 0; axis < size.size(); ++axis) {
    const int64_t wanted = (size[axis] + factor - 1) / factor;
    if (cropped.size(axis + 2) != wanted) {
      cropped = cropped.narrow(axis + 2, 0, wanted);
    }
  }
  return cropped;
}

UNet::UNet(const nlohmann::json& configuration, const std::string& architecture) {
  ConfigurationReader reader(configuration, architecture);
  const auto seed = static_cast<uint64_t>(reader.integer("seed", 0, 0, INT64_MAX));
  const auto stages = readStageSettings(reader, architecture == "resunet" ? "residual" : "conv", seed);
  const int dims = stages.block.spatialDims;
  const int64_t inChannels = reader.integer("in_channels", 1, 1, 4096);
  const int64_t outChannels = reader.integer("out_channels", 2, 1, 4096);
  depth_ = reader.integer("depth", 4, 1, 7);
  const int64_t base = reader.integer("base_features", 32, 1, 4096);
  const int64_t maximum = reader.integer("max_features", 320, 1, 65536);
  maxPool_ = reader.choice("downsample", "maxpool", {"maxpool", "strided"}) == "maxpool";
  const auto upsampleMode = reader.choice("upsample", "transposed", {"transposed", "interpolate"});
  deepSupervision_ = reader.boolean("deep_supervision", false);
  padInput_ = reader.boolean("pad_input", true);
  longSkips_ = reader.choice("long_skips", "concat", {"concat", "add", "attention", "none"});
  reader.rejectUnknownKeys();
  configuration_ = reader.resolved();

  const auto features = featuresPerLevel(base, maximum, depth_);
  const int64_t totalBlocks = (2 * depth_ + 1) * stages.blocksPerStage;
  encoder = register_module("encoder", torch::nn::ModuleList());
  upsampling = register_module("upsampling", torch::nn::ModuleList());
  decoder = register_module("decoder", torch::nn::ModuleList());
  heads = register_module("heads", torch::nn::ModuleList());
  if (longSkips_ == "attention") {
    gates = register_module("gates", torch::nn::ModuleList());
  }
  for (int64_t level = 0; level <= depth_; ++level) {
    const int64_t in = level == 0 ? inChannels : features[level - 1];
    const int64_t stride = (level == 0 || maxPool_) ? 1 : 2;
    encoder->push_back(
        ConvolutionStage(stages, in, features[level], stride, level * stages.blocksPerStage, totalBlocks));
  }
  for (int64_t level = 0; level < depth_; ++level) {
    upsampling->push_back(Upsampling(dims, features[level + 1], features[level], upsampleMode));
    const int64_t firstBlock = (depth_ + 1 + (depth_ - 1 - level)) * stages.blocksPerStage;
    const bool concatenated = longSkips_ == "concat" || longSkips_ == "attention";
    const int64_t decoderInput = concatenated ? 2 * features[level] : features[level];
    if (longSkips_ == "attention") {
      gates->push_back(
          AttentionGate(dims, features[level], features[level + 1], std::max<int64_t>(1, features[level] / 2)));
    }
    decoder->push_back(ConvolutionStage(stages, decoderInput, features[level], 1, firstBlock, totalBlocks));
    if (level == 0 || deepSupervision_) {
      ConvolutionOptions head;
      head.spatialDims = dims;
      head.inChannels = features[level];
      head.outChannels = outChannels;
      head.kernelSize = perAxis(1, dims);
      heads->push_back(Convolution(head));
    }
  }
  initializeParameters(*this, seed);
}

std::vector<torch::Tensor> UNet::run(const torch::Tensor& input, bool allScales) {
  const int dims = configuration_.at("spatial_dims").get<int>();
  checkInput(input, dims, configuration_.at("in_channels").get<int64_t>());
  const auto inputSize = spatialSize(input);
  auto x = padToMultiple(input, int64_t(1) << depth_, padInput_, "2^depth");
  std::vector<torch::Tensor> skips;
  for (int64_t level = 0; level <= depth_; ++level) {
    if (level > 0 && maxPool_) {
      x = dims == 3 ? at::max_pool3d(x, {2, 2, 2}, {2, 2, 2}) : at::max_pool2d(x, {2, 2}, {2, 2});
    }
    x = encoder->at<ConvolutionStageImpl>(level).forward(x);
    skips.push_back(x);
  }
  std::vector<torch::Tensor> outputs;
  for (int64_t level = depth_ - 1; level >= 0; --level) {
    auto skip = skips[level];
    if (longSkips_ == "attention") {
      skip = gates->at<AttentionGateImpl>(level).forward(skip, x);  // gated by the coarser decoder features
    }
    x = upsampling->at<UpsamplingImpl>(level).forward(x, spatialSize(skip));
    if (longSkips_ == "concat" || longSkips_ == "attention") {
      x = at::cat({skip, x}, 1);
    } else if (longSkips_ == "add") {
      x = x + skip;
    }
    x = decoder->at<ConvolutionStageImpl>(level).forward(x);
    if (level == 0 || (allScales && level < static_cast<int64_t>(heads->size()))) {
      outputs.push_back(cropTo(heads->at<ConvolutionImpl>(level).forward(x), inputSize, int64_t(1) << level));
    }
  }
  std::reverse(outputs.begin(), outputs.end());  // full resolution first
  return outputs;
}

torch::Tensor UNet::forward(const torch::Tensor& input) {
  return run(input, false).front();
}

std::vector<torch::Tensor> UNet::forwardDeepSupervision(const torch::Tensor& input) {
  return run(input, deepSupervision_);
}

std::shared_ptr<SegmentationNetwork> makeUNet(const nlohmann::json& configuration) {
  return std::make_shared<UNet>(configuration, "unet");
}

std::shared_ptr<SegmentationNetwork> makeResUNet(const nlohmann::json& configuration) {
  return std::make_shared<UNet>(configuration, "resunet");
}

}  // namespace skipseg::nn
