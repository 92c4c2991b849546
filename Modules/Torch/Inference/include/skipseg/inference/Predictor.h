#pragma once
// The inference entry point for the ITK-side pipeline: models in, per-class probabilities out, all
// in plain SkipSeg types. This header includes no Torch header, so programs and ITK code can hold a
// Predictor without compiling against LibTorch.
//
// Contract: the input is the normalised image already in the model's grid (orientation, spacing,
// crop done by preprocessing), with description().inChannels channels. The output has the input's
// geometry and one channel per label (description().labels, in that order): softmax probabilities
// (or the model's own probabilities), averaged over the models of an ensemble.
#include "skipseg/core/JsonFile.h"
#include "skipseg/core/ModelDescription.h"
#include "skipseg/core/Progress.h"
#include "skipseg/core/VoxelBuffer.h"

#include <memory>
#include <string>
#include <vector>

namespace skipseg::inference {

struct InferenceOptions {
  std::string device = "auto";        ///< auto | cpu | cuda | cuda:N
  std::string precision = "float32";  ///< float32 | float16 (CUDA) | bfloat16
  int threads = 0;                    ///< CPU threads for LibTorch; 0: every core
  double overlap = 0.5;               ///< share of a patch that neighbouring tiles have in common, [0, 1)
  int tileBatch = 0;                  ///< tiles per forward pass; 0: automaticTileBatch() per model
  bool mirror = false;                ///< test-time mirroring (mean over all flips of the mirror axes)
  /// Tensor spatial axes (model axis order) to flip when `mirror` is on. Empty: the model's mirror_axes,
  /// or every spatial axis when the model names none. Axes the model does not allow are a usage error.
  std::vector<int> mirrorAxes;
};

/// The tile batch used when InferenceOptions::tileBatch is 0 on the CPU (and on CUDA where the CUDA
/// runtime reports no free memory; otherwise Documentation/Inference.md, tileBatchForMemory): as many
/// patches as fit a budget of voxels per forward pass (about 300 k on the CPU, 2 M on CUDA), 1 to 8 (CPU)
/// or 16 (CUDA). Small
/// patches are where batching pays: the nnU-Net fixture's 32 x 48 x 48 patches ran 2.6x faster at 4
/// than at 1 on the CPU with the same labels, while a 96^3 patch gains little and costs memory.
int automaticTileBatch(const std::vector<int>& patchSize, bool cuda);

class Predictor {
 public:
  /// Loads every model (paths: .ssm, TorchScript .pt with skipseg.json, nnU-Net folder; an nnU-Net
  /// folder contributes all its folds) once and places it on the device in the chosen precision.
  /// All must share labels and preprocessing (BadInput naming the odd one otherwise).
  static std::unique_ptr<Predictor> create(const std::vector<std::string>& modelPaths, const InferenceOptions& options);
  ~Predictor();
  Predictor(const Predictor&) = delete;
  Predictor& operator=(const Predictor&) = delete;

  /// The first model's description (the others match it in everything that matters to the pipeline).
  const skipseg::ModelDescription& description() const;
  /// input: normalised image in the model's grid (channels = inChannels); returns per-class probabilities
  /// with the same geometry. Deterministic for the same input and options.
  skipseg::VoxelBuffer predictProbabilities(const skipseg::VoxelBuffer& input, skipseg::ProgressReporter& progress);
  /// What was run: device, precision, threads, models used, and the latest prediction's tiles, forward
  /// passes and seconds in the network (one case's figures; "predictions" counts them all).
  skipseg::Json report() const;

 private:
  struct Impl;
  explicit Predictor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace skipseg::inference
