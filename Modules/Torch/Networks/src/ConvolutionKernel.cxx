#include "skipseg/nn/ConvolutionKernel.h"

#include <ATen/ATen.h>

namespace skipseg::nn {

bool cpuTransposedConvolutionWorksInBFloat16() {
  static const bool works = [] {
    try {
      const auto options = at::TensorOptions().dtype(at::kBFloat16);
      // In and out channels differ, so a kernel that misreads the weight's layout fails.
      at::conv_transpose3d(at::ones({1, 2, 2, 2, 2}, options), at::ones({2, 1, 2, 2, 2}, options));
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }();
  return works;
}

at::Tensor convolution(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias,
                       const std::vector<int64_t>& stride, const std::vector<int64_t>& padding,
                       const std::vector<int64_t>& dilation, bool transposed, const std::vector<int64_t>& outputPadding,
                       int64_t groups) {
  if (transposed && input.is_cpu() && input.scalar_type() == at::kBFloat16 &&
      !cpuTransposedConvolutionWorksInBFloat16()) {
    return at::convolution(input.to(at::kFloat), weight.to(at::kFloat), bias.defined() ? bias.to(at::kFloat) : bias,
                           stride, padding, dilation, true, outputPadding, groups)
        .to(at::kBFloat16);
  }
  return at::convolution(input, weight, bias, stride, padding, dilation, transposed, outputPadding, groups);
}

}  // namespace skipseg::nn
