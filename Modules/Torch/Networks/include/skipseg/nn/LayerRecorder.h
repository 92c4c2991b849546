#pragma once
// LibTorch's C++ modules have no forward hooks, so the layers that compute (convolutions, dense
// layers, attention) report themselves here while a summary is being taken. Outside a summary the
// cost is one thread-local pointer test per layer.
#include <torch/nn/module.h>

#include <cstdint>
#include <string>
#include <vector>

namespace skipseg::nn {

struct LayerRecord {
  const torch::nn::Module* module = nullptr;
  std::string type;
  std::vector<int64_t> outputShape;
  int64_t flops = 0;  ///< multiply-adds x 2 of this call
};

class LayerRecorder {
 public:
  /// Records on this thread until destroyed (nests: the previous recorder is restored).
  LayerRecorder();
  ~LayerRecorder();
  LayerRecorder(const LayerRecorder&) = delete;
  LayerRecorder& operator=(const LayerRecorder&) = delete;

  /// The recorder of this thread, or nullptr when no summary is being taken.
  static LayerRecorder* active();

  void record(const torch::nn::Module& module, std::string type, const torch::Tensor& output, int64_t flops);
  const std::vector<LayerRecord>& records() const { return records_; }

 private:
  std::vector<LayerRecord> records_;
  LayerRecorder* previous_ = nullptr;
};

/// Called by computing layers at the end of forward().
inline void recordLayer(const torch::nn::Module& module, const char* type, const torch::Tensor& output, int64_t flops) {
  if (auto* recorder = LayerRecorder::active()) {
    recorder->record(module, type, output, flops);
  }
}

}  // namespace skipseg::nn
