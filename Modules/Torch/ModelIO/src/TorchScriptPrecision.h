#pragma once
// Graph rewrites that let a TorchScript model run in a precision its operators do not all support.
#include <torch/csrc/jit/api/module.h>

namespace skipseg::model {

/// Every transposed convolution in `module`'s methods (aten::conv_transpose1d/2d/3d, and
/// aten::_convolution / aten::convolution with transposed=true) gets its tensor inputs cast to float32
/// and its output cast back to bfloat16: LibTorch 1.13's CPU kernel fails on bfloat16 transposed
/// convolutions, which every U-Net decoder uses. Returns how many were rewritten.
int computeTransposedConvolutionsInFloat(torch::jit::Module& module);

}  // namespace skipseg::model
