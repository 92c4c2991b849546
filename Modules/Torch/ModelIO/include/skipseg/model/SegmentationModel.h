#pragma once
// A loaded segmentation model: one network (one fold) together with its description. The same
// interface covers SkipSeg model files (.ssm), TorchScript files carrying skipseg.json and nnU-Net
// v2 results folders, so inference code never asks where a model came from.
// Torch modules only (Inference, Training, programs); never included by ITK code.
#include "skipseg/core/ModelDescription.h"

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <memory>
#include <string>
#include <vector>

namespace skipseg::model {

class SegmentationModel {
 public:
  virtual ~SegmentationModel() = default;

  virtual const skipseg::ModelDescription& description() const = 0;
  /// Input [N, inChannels, spatial...] in description().axisOrder; returns [N, classes, spatial...]
  /// (logits or probabilities as description().output says). The input is converted to the model's
  /// device and dtype; the output is float32 on the model's device. Runs without recording gradients.
  virtual at::Tensor forward(const at::Tensor& input) = 0;
  /// Moves the weights to `device` and `dtype` (float32, float16, bfloat16); leaves the model in eval mode.
  virtual void moveTo(const c10::Device& device, c10::ScalarType dtype) = 0;
  /// Where the model came from: "skipseg", "torchscript" or "nnunet".
  virtual std::string kind() const = 0;
  /// Trainable values (0 for a TorchScript file saved frozen, whose weights are constants).
  virtual int64_t parameterCount() const = 0;
};

struct LoadOptions {
  /// nnU-Net folders: the folds to load, -1 for fold_all (empty: every fold_N / fold_all folder that holds
  /// the checkpoint).
  std::vector<int> folds;
  /// nnU-Net folders: the checkpoint file name inside each fold folder.
  std::string checkpointName = "checkpoint_final.pth";
  /// TorchScript: freeze the module and apply LibTorch's inference optimisations (about 2x faster on CPU).
  bool optimizeForInference = true;
};

/// Loads a SkipSeg model file (.ssm), a TorchScript file with skipseg.json, or an nnU-Net v2 results
/// folder, and returns one entry per fold/model, each on the CPU in float32 and in eval mode.
/// Errors are skipseg::Error naming the path: BadInput (missing, corrupt, inconsistent) or
/// Unsupported (a valid file of a kind or version this build cannot run).
std::vector<std::unique_ptr<SegmentationModel>> loadSegmentationModels(const std::string& path,
                                                                       const LoadOptions& options = {});

}  // namespace skipseg::model
