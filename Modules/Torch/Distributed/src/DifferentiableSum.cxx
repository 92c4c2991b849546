#include "skipseg/distributed/Communicator.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>

namespace skipseg::distributed {
namespace {

// y = sum over ranks of x. Every rank computes the same loss from y, and the trainer divides the summed
// gradients by the world size; so the gradient kept for x is dL/dy times the world size, which after that
// division is exactly the single-process gradient of the shared term.
class SumAcrossRanks : public torch::autograd::Function<SumAcrossRanks> {
 public:
  static at::Tensor forward(torch::autograd::AutogradContext* context, const at::Tensor& input,
                            Communicator* communicator) {
    context->saved_data["world_size"] = static_cast<std::int64_t>(communicator->worldSize());
    at::Tensor sum = input.detach().clone();
    communicator->allreduceSum(sum);
    return sum;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                 torch::autograd::variable_list gradients) {
    const auto worldSize = context->saved_data["world_size"].toInt();
    return {gradients[0] * static_cast<double>(worldSize), at::Tensor()};
  }
};

}  // namespace

at::Tensor differentiableSumAcrossRanks(const at::Tensor& input, Communicator& communicator) {
  return SumAcrossRanks::apply(input, &communicator);
}

}  // namespace skipseg::distributed
