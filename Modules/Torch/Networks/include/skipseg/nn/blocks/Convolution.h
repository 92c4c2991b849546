#pragma once
// A 2D or 3D convolution (or transposed convolution) whose dimension is a run-time setting, so one
// network class serves both. Parameters are named as in PyTorch's ConvNd ("weight", "bias") so that
// state dicts map one to one.
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <vector>

namespace skipseg::nn {

struct ConvolutionOptions {
  int spatialDims = 3;
  int64_t inChannels = 1;
  int64_t outChannels = 1;
  std::vector<int64_t> kernelSize;  ///< per axis; empty = 3 on every axis
  std::vector<int64_t> stride;      ///< per axis; empty = 1
  std::vector<int64_t> dilation;    ///< per axis; empty = 1
  std::vector<int64_t> padding;     ///< per axis; empty = dilation*(kernel-1)/2 ("same" for stride 1, odd kernels)
  int64_t groups = 1;
  bool bias = true;
  bool transposed = false;  ///< transposed convolution (padding 0 when empty)
};

class ConvolutionImpl : public torch::nn::Module {
 public:
  explicit ConvolutionImpl(ConvolutionOptions options);
  torch::Tensor forward(const torch::Tensor& input);
  const ConvolutionOptions& options() const { return options_; }

  torch::Tensor weight;
  torch::Tensor bias;  ///< undefined without bias

 private:
  ConvolutionOptions options_;
};
TORCH_MODULE(Convolution);

/// Multiply-adds x 2 of one call producing `output` (from `input`).
int64_t convolutionFlops(const ConvolutionOptions& options, const torch::Tensor& input, const torch::Tensor& output);

}  // namespace skipseg::nn
