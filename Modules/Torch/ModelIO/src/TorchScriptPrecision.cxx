#include "TorchScriptPrecision.h"

#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/runtime/graph_iterator.h>

#include <vector>

namespace skipseg::model {
namespace {

using torch::jit::Node;
using torch::jit::Value;

bool isTransposedConvolution(const Node* node) {
  const auto kind = node->kind().toQualString();
  const std::string name = kind;
  if (name == "aten::conv_transpose1d" || name == "aten::conv_transpose2d" || name == "aten::conv_transpose3d") {
    return true;
  }
  if ((name == "aten::_convolution" || name == "aten::convolution") && node->inputs().size() > 6) {
    const auto transposed = torch::jit::toIValue(node->input(6));
    return transposed && transposed->isBool() && transposed->toBool();
  }
  return false;
}

int rewrite(std::shared_ptr<torch::jit::Graph> graph) {
  std::vector<Node*> targets;
  torch::jit::DepthFirstGraphNodeIterator iterator(graph);
  for (Node* node = iterator.next(); node != nullptr; node = iterator.next()) {
    if (isTransposedConvolution(node)) {
      targets.push_back(node);
    }
  }
  const auto to = c10::Symbol::fromQualString("aten::to");
  for (Node* node : targets) {
    torch::jit::Graph& owner = *node->owningGraph();
    {
      torch::jit::WithInsertPoint before(node);
      for (size_t index = 0; index < 3; ++index) {  // input, weight, bias (bias may be None)
        Value* value = node->input(index);
        if (value->type()->cast<c10::TensorType>()) {
          node->replaceInput(index, owner.insert(to, {value, c10::ScalarType::Float}));
        }
      }
    }
    torch::jit::WithInsertPoint after(node->next());
    Value* back = owner.insert(to, {node->output(), c10::ScalarType::BFloat16});
    node->output()->replaceAllUsesAfterNodeWith(back->node(), back);
  }
  return static_cast<int>(targets.size());
}

}  // namespace

int computeTransposedConvolutionsInFloat(torch::jit::Module& module) {
  int rewritten = 0;
  for (const torch::jit::Module& part : module.modules()) {
    for (const auto& method : part.get_methods()) {
      rewritten += rewrite(method.graph());
    }
  }
  return rewritten;
}

}  // namespace skipseg::model
