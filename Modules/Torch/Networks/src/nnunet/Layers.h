#pragma once
// Internal: the layers of nnU-Net's dynamic U-Net (dynamic-network-architectures' ConvDropoutNormReLU,
// StackedConvBlocks, BasicBlockD, StackedResidualBlocks), with the module names and parameter names a
// trained nnU-Net checkpoint uses. They are not SkipSeg's composable blocks (skipseg/nn/blocks/): their
// job is to match nnU-Net's state dicts name for name.
#include "skipseg/nn/ConvolutionKernel.h"
#include "skipseg/nn/LayerRecorder.h"

#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

namespace skipseg::nn::nnunet {

inline int64_t product(const std::vector<int64_t>& values) {
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

}  // namespace skipseg::nn::nnunet
