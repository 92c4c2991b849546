#include "skipseg/nn/architectures/TransUNet.h"

#include "skipseg/core/Error.h"
#include "skipseg/nn/Initialization.h"
#include "skipseg/nn/architectures/UNet.h"
#include "skipseg/nn/blocks/TransformerBlock.h"
#include "skipseg/nn/blocks/Upsampling.h"

#include <ATen/ATen.h>

#include <cstdint>

namespace skipseg::nn {

TransUNet::TransUNet(const nlohmann::json& configuration) {
  ConfigurationReader reader(configuration, "transunet");
  const auto seed = static_cast<uint64_t>(reader.integer("seed", 0, 0, INT64_MAX));
  // The paper's encoder is residual with batch norm and ReLU.
  const auto stages = readStageSettings(reader, "residual", seed, "batch", "relu");
  const int dims = stages.block.spatialDims;
  const int64_t inChannels = reader.integer("in_channels", 1, 1, 4096);
  const int64_t outChannels = reader.integer("out_channels", 2, 1, 4096);
  depth_ = reader.integer("depth", 3, 1, 6);
  const int64_t base = reader.integer("base_features", 16, 1, 4096);
  const int64_t maximum = reader.integer("max_features", 256, 1, 65536);
  patchSize_ = reader.integer("patch_size", 1, 1, 16);
  imageSize_ = reader.requiredIntegers("image_size", dims, 1, 65536);
  const int64_t hidden = reader.integer("hidden_size", 256, 8, 8192);
  const int64_t layers = reader.integer("num_layers", 4, 1, 48);
  const int64_t heads = reader.integer("num_heads", 8, 1, 128);
  const int64_t mlp = reader.integer("mlp_dim", 4 * hidden, 1, 65536);
  const double dropout = reader.number("dropout", 0.0, 0.0, 0.9);
  const double attentionDropout = reader.number("attention_dropout", 0.0, 0.0, 0.9);
  const double transformerDropPath = reader.number("transformer_drop_path", 0.0, 0.0, 0.9);
  reader.rejectUnknownKeys();
  configuration_ = reader.resolved();

  const int64_t reduction = (int64_t(1) << depth_) * patchSize_;
  int64_t tokens = 1;
  for (const auto size : imageSize_) {
    if (size % reduction != 0) {
      reader.fail("image_size", "must be divisible by 2^depth x patch_size = " + std::to_string(reduction) + ", got " +
                                    std::to_string(size));
    }
    tokens *= size / reduction;
  }
  const auto features = featuresPerLevel(base, maximum, depth_);
  const int64_t totalBlocks = (depth_ + 1) * stages.blocksPerStage;
  encoder = register_module("encoder", torch::nn::ModuleList());
  for (int64_t level = 0; level <= depth_; ++level) {
    encoder->push_back(ConvolutionStage(stages, level == 0 ? inChannels : features[level - 1], features[level],
                                        level == 0 ? 1 : 2, level * stages.blocksPerStage, totalBlocks));
  }
  patchEmbedding = register_module("patch_embedding", PatchEmbedding(dims, features[depth_], hidden, patchSize_));
  positionEmbedding = register_module("position_embedding", PositionEmbedding(tokens, hidden));
  transformer = register_module("transformer", torch::nn::ModuleList());
  for (int64_t layer = 0; layer < layers; ++layer) {
    TransformerBlockOptions options;
    options.features = hidden;
    options.heads = heads;
    options.mlpFeatures = mlp;
    options.dropout = dropout;
    options.attentionDropout = attentionDropout;
    options.dropPath = layers > 1 ? transformerDropPath * double(layer) / double(layers - 1) : transformerDropPath;
    options.dropPathSeed = derivedSeed(seed, static_cast<uint64_t>(totalBlocks + layer));
    transformer->push_back(TransformerBlock(options));
  }
  transformerNorm =
      register_module("transformer_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden}).eps(1e-6)));
  // The decoder uses plain ConvNormAct units (the paper's cascaded upsampler).
  auto decoderStages = stages;
  decoderStages.kind = "conv";
  decoderStages.blocksPerStage = 2;
  decoderStages.groups = 1;
  decoderStages.dilation = 1;
  ConvNormActOptions toFeatures;
  toFeatures.inChannels = hidden;
  toFeatures.outChannels = features[depth_];
  bottleneck = register_module("bottleneck", ConvNormAct(stages.block, toFeatures));
  decoder = register_module("decoder", torch::nn::ModuleList());
  for (int64_t level = 0; level < depth_; ++level) {
    decoder->push_back(
        ConvolutionStage(decoderStages, features[level + 1] + features[level], features[level], 1, 0, 1));
  }
  ConvolutionOptions headOptions;
  headOptions.spatialDims = dims;
  headOptions.inChannels = features[0];
  headOptions.outChannels = outChannels;
  headOptions.kernelSize = perAxis(1, dims);
  head = register_module("head", Convolution(headOptions));
  initializeParameters(*this, seed);
}

torch::Tensor TransUNet::forward(const torch::Tensor& input) {
  checkInput(input, static_cast<int>(imageSize_.size()), configuration_.at("in_channels").get<int64_t>());
  if (spatialSize(input) != imageSize_) {
    std::string given, wanted;
    for (size_t axis = 0; axis < imageSize_.size(); ++axis) {
      given += (axis ? "x" : "") + std::to_string(input.size(axis + 2));
      wanted += (axis ? "x" : "") + std::to_string(imageSize_[axis]);
    }
    throw badInput("network input", "transunet: size " + given + " differs from the configured image_size " + wanted +
                                        " (the position embeddings fix the number of tokens)");
  }
  std::vector<torch::Tensor> skips;
  auto x = input;
  for (int64_t level = 0; level <= depth_; ++level) {
    x = encoder->at<ConvolutionStageImpl>(level).forward(x);
    skips.push_back(x);
  }
  std::vector<int64_t> grid;
  auto tokens = positionEmbedding->forward(patchEmbedding->forward(x, &grid));
  for (size_t layer = 0; layer < transformer->size(); ++layer) {
    tokens = transformer->at<TransformerBlockImpl>(layer).forward(tokens);
  }
  x = bottleneck->forward(tokensToFeatureMap(transformerNorm->forward(tokens), grid));
  if (patchSize_ > 1) {
    x = resizeLinear(x, spatialSize(skips[depth_]));
  }
  for (int64_t level = depth_ - 1; level >= 0; --level) {
    x = resizeLinear(x, spatialSize(skips[level]));
    x = decoder->at<ConvolutionStageImpl>(level).forward(at::cat({x, skips[level]}, 1));
  }
  return head->forward(x);
}

std::shared_ptr<SegmentationNetwork> makeTransUNet(const nlohmann::json& configuration) {
  return std::make_shared<TransUNet>(configuration);
}

}  // namespace skipseg::nn
