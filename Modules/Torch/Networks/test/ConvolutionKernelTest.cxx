// The convolution every block calls: at::convolution's answer in every precision the CPU offers,
// transposed bfloat16 included (which LibTorch 1.13's CPU kernel cannot compute by itself).
#include "skipseg/nn/ConvolutionKernel.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

namespace skipseg::nn {
namespace {

TEST(ConvolutionKernel, TransposedBFloat16OnTheCpuGivesTheFloatResultToBFloat16Precision) {
  at::manual_seed(3);
  const at::Tensor input = at::randn({2, 6, 5, 4, 3});
  const at::Tensor weight = at::randn({6, 4, 2, 2, 2});  // 6 in, 4 out: a misread layout cannot pass
  const at::Tensor bias = at::randn({4});
  const std::vector<int64_t> two{2, 2, 2}, zero{0, 0, 0}, one{1, 1, 1};
  const at::Tensor expected = at::convolution(input, weight, bias, two, zero, one, true, zero, 1);
  const at::Tensor result = convolution(input.to(at::kBFloat16), weight.to(at::kBFloat16), bias.to(at::kBFloat16), two,
                                        zero, one, true, zero, 1);
  EXPECT_EQ(result.scalar_type(), at::kBFloat16);
  ASSERT_EQ(result.sizes(), expected.sizes());
  const double scale = expected.abs().max().item<double>();
  EXPECT_LT((result.to(at::kFloat) - expected).abs().max().item<double>(), 0.03 * scale);
  std::cout << "this LibTorch computes bfloat16 transposed convolutions on the CPU itself: "
            << (cpuTransposedConvolutionWorksInBFloat16() ? "yes" : "no (routed through float32)") << "\n";
}

TEST(ConvolutionKernel, FloatAndForwardConvolutionsAreAtConvolutionExactly) {
  at::manual_seed(4);
  const at::Tensor input = at::randn({1, 3, 6, 6, 6});
  const at::Tensor weight = at::randn({5, 3, 3, 3, 3});
  const std::vector<int64_t> one{1, 1, 1}, zero{0, 0, 0};
  EXPECT_TRUE(at::equal(convolution(input, weight, {}, one, one, one, false, zero, 1),
                        at::convolution(input, weight, {}, one, one, one, false, zero, 1)));
  const at::Tensor transposedWeight = at::randn({3, 5, 2, 2, 2});
  const std::vector<int64_t> two{2, 2, 2};
  EXPECT_TRUE(at::equal(convolution(input, transposedWeight, {}, two, zero, one, true, zero, 1),
                        at::convolution(input, transposedWeight, {}, two, zero, one, true, zero, 1)));
}

}  // namespace
}  // namespace skipseg::nn
