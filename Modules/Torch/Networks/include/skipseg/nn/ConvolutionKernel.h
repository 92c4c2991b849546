#pragma once
// The one call through which every SkipSeg network block convolves. It is at::convolution, except
// where a LibTorch kernel is known to fail: a transposed convolution of bfloat16 tensors on the CPU
// (LibTorch 1.13 takes the transposed weight for a forward one and stops with "expected input ... to
// have N channels"). That case runs in float32 and returns bfloat16, so --precision bfloat16 works
// for every U-Net on the CPU. Torch modules only.
#include <ATen/core/Tensor.h>

#include <vector>

namespace skipseg::nn {

at::Tensor convolution(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias,
                       const std::vector<int64_t>& stride, const std::vector<int64_t>& padding,
                       const std::vector<int64_t>& dilation, bool transposed, const std::vector<int64_t>& outputPadding,
                       int64_t groups);

/// True when this LibTorch's CPU kernel computes a bfloat16 transposed convolution (checked once, on a
/// tiny input); when false, convolution() and the TorchScript models' graphs route it through float32.
bool cpuTransposedConvolutionWorksInBFloat16();

}  // namespace skipseg::nn
