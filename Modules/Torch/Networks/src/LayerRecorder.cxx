#include "skipseg/nn/LayerRecorder.h"

namespace skipseg::nn {
namespace {
thread_local LayerRecorder* activeRecorder = nullptr;
}

LayerRecorder::LayerRecorder() : previous_(activeRecorder) {
  activeRecorder = this;
}

LayerRecorder::~LayerRecorder() {
  activeRecorder = previous_;
}

LayerRecorder* LayerRecorder::active() {
  return activeRecorder;
}

void LayerRecorder::record(const torch::nn::Module& module, std::string type, const torch::Tensor& output,
                           int64_t flops) {
  records_.push_back({&module, std::move(type), output.sizes().vec(), flops});
}

}  // namespace skipseg::nn
