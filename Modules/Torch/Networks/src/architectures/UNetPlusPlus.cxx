#include "skipseg/nn/architectures/UNetPlusPlus.h"

#include "skipseg/core/Error.h"
#include "skipseg/nn/Initialization.h"
#include "skipseg/nn/architectures/UNet.h"
#include "skipseg/nn/blocks/Convolution.h"
#include "skipseg/nn/blocks/NestedDecoderNode.h"
#include "skipseg/nn/blocks/Upsampling.h"

#include <ATen/ATen.h>

#include <cstdint>

namespace skipseg::nn {

UNetPlusPlus::UNetPlusPlus(const nlohmann::json& configuration) {
  ConfigurationReader reader(configuration, "unetpp");
  const auto seed = static_cast<uint64_t>(reader.integer("seed", 0, 0, INT64_MAX));
  const auto stages = readStageSettings(reader, "conv", seed);
  const int dims = stages.block.spatialDims;
  const int64_t inChannels = reader.integer("in_channels", 1, 1, 4096);
  const int64_t outChannels = reader.integer("out_channels", 2, 1, 4096);
  depth_ = reader.integer("depth", 4, 1, 7);
  const int64_t base = reader.integer("base_features", 32, 1, 4096);
  const int64_t maximum = reader.integer("max_features", 320, 1, 65536);
  maxPool_ = reader.choice("downsample", "maxpool", {"maxpool", "strided"}) == "maxpool";
  const auto upsampleMode = reader.choice("upsample", "transposed", {"transposed", "interpolate"});
  padInput_ = reader.boolean("pad_input", true);
  inferenceDepth_ = reader.integer("inference_depth", depth_, 1, depth_);
  reader.rejectUnknownKeys();
  configuration_ = reader.resolved();

  const auto features = featuresPerLevel(base, maximum, depth_);
  const int64_t nodeCount = depth_ * (depth_ + 1) / 2;
  const int64_t totalBlocks = (depth_ + 1 + nodeCount) * stages.blocksPerStage;
  encoder = register_module("encoder", torch::nn::ModuleList());
  nodes = register_module("nodes", torch::nn::ModuleList());
  heads = register_module("heads", torch::nn::ModuleList());
  for (int64_t level = 0; level <= depth_; ++level) {
    const int64_t in = level == 0 ? inChannels : features[level - 1];
    const int64_t stride = (level == 0 || maxPool_) ? 1 : 2;
    encoder->push_back(
        ConvolutionStage(stages, in, features[level], stride, level * stages.blocksPerStage, totalBlocks));
  }
  // Column by column, so the index of node (i, j) is a simple function of i and j.
  int64_t block = (depth_ + 1) * stages.blocksPerStage;
  for (int64_t column = 1; column <= depth_; ++column) {
    for (int64_t level = 0; level + column <= depth_; ++level) {
      nodes->push_back(
          NestedDecoderNode(stages, column, features[level], features[level + 1], upsampleMode, block, totalBlocks));
      block += stages.blocksPerStage;
    }
  }
  for (int64_t column = 1; column <= depth_; ++column) {
    ConvolutionOptions head;
    head.spatialDims = dims;
    head.inChannels = features[0];
    head.outChannels = outChannels;
    head.kernelSize = perAxis(1, dims);
    heads->push_back(Convolution(head));
  }
  initializeParameters(*this, seed);
}

int64_t UNetPlusPlus::nodeIndex(int64_t level, int64_t column) const {
  // Columns 1..column-1 hold depth, depth-1, ... nodes.
  int64_t index = 0;
  for (int64_t earlier = 1; earlier < column; ++earlier) {
    index += depth_ + 1 - earlier;
  }
  return index + level;
}

nlohmann::json UNetPlusPlus::configuration() const {
  auto configuration = configuration_;
  configuration["inference_depth"] = inferenceDepth_;
  return configuration;
}

void UNetPlusPlus::setInferenceDepth(int64_t depth) {
  if (depth < 1 || depth > depth_) {
    throw badInput("network configuration", "unetpp: \"inference_depth\" must be in [1, " + std::to_string(depth_) +
                                                "], got " + std::to_string(depth));
  }
  inferenceDepth_ = depth;
}

std::vector<torch::Tensor> UNetPlusPlus::topRow(const torch::Tensor& input, int64_t reach) {
  const int dims = configuration_.at("spatial_dims").get<int>();
  checkInput(input, dims, configuration_.at("in_channels").get<int64_t>());
  // A pruned network only downsamples `reach` times.
  auto x = padToMultiple(input, int64_t(1) << reach, padInput_, "2^inference_depth");
  std::vector<std::vector<torch::Tensor>> grid(reach + 1);  // grid[i][j] = X[i][j]
  for (int64_t level = 0; level <= reach; ++level) {
    if (level > 0 && maxPool_) {
      x = dims == 3 ? at::max_pool3d(x, {2, 2, 2}, {2, 2, 2}) : at::max_pool2d(x, {2, 2}, {2, 2});
    }
    x = encoder->at<ConvolutionStageImpl>(level).forward(x);
    grid[level].push_back(x);
  }
  for (int64_t column = 1; column <= reach; ++column) {
    for (int64_t level = 0; level + column <= reach; ++level) {
      auto& node = nodes->at<NestedDecoderNodeImpl>(nodeIndex(level, column));
      grid[level].push_back(node.forward(grid[level], grid[level + 1][column - 1]));
    }
  }
  return std::vector<torch::Tensor>(grid[0].begin() + 1, grid[0].end());
}

torch::Tensor UNetPlusPlus::forward(const torch::Tensor& input) {
  const auto row = topRow(input, inferenceDepth_);
  return cropTo(heads->at<ConvolutionImpl>(inferenceDepth_ - 1).forward(row.back()), spatialSize(input));
}

std::vector<torch::Tensor> UNetPlusPlus::forwardDeepSupervision(const torch::Tensor& input) {
  const auto row = topRow(input, depth_);
  std::vector<torch::Tensor> outputs;
  for (int64_t column = depth_; column >= 1; --column) {
    outputs.push_back(cropTo(heads->at<ConvolutionImpl>(column - 1).forward(row[column - 1]), spatialSize(input)));
  }
  return outputs;
}

std::shared_ptr<SegmentationNetwork> makeUNetPlusPlus(const nlohmann::json& configuration) {
  return std::make_shared<UNetPlusPlus>(configuration);
}

}  // namespace skipseg::nn
