#pragma once
// Export of SkipSeg's own networks (and of nnU-Net folds imported into them) to TorchScript, so that
// a model trained or imported by SkipSeg runs in Python, MONAI or Slicer, and so that SkipSeg itself
// can freeze and optimise it like any TorchScript model.
//
// LibTorch's C++ API cannot script a C++ module, but it can trace one: the tracer records every
// operator the C++ forward dispatches into a TorchScript graph. What tracing cannot capture is
// anything decided in C++ from the input rather than computed by an operator: branches on values,
// and sizes read from the input (padding amounts, reshape targets). Such choices are frozen at the
// traced shape. The export therefore traces at the model's patch size (the only size inference feeds
// it), and checks the result before it writes anything: the saved file, loaded back, must give the
// C++ network's logits for another random input with another batch size. A network whose traced
// graph disagrees is refused (Unsupported), never written.
#include "skipseg/model/NnUNetImport.h"

#include <string>
#include <vector>

namespace skipseg::model {

struct TorchScriptExportReport {
  int64_t tracedNodes = 0;          ///< operators in the traced graph
  double maxDifference = 0;         ///< largest |export - network| logit on the check input
  std::vector<int64_t> checkShape;  ///< the check input's shape [N, C, spatial...]
};

/// Traces `networks` (one network, or the folds of one model: the export's forward then returns the
/// mean of their logits, nnU-Net's rule for folds) at networks.front().description.patchSize and
/// writes a TorchScript file with `skipseg.json` (the description, output "logits", provenance naming
/// `source`) to `outputPath` atomically. Throws Unsupported naming `source` when the traced graph does
/// not reproduce the networks within 1e-5 (relative to the largest logit), OutputFailed naming
/// `outputPath` when it cannot be written.
TorchScriptExportReport exportTorchScript(const std::string& outputPath, const std::vector<ImportedNetwork>& networks,
                                          const std::string& source);

}  // namespace skipseg::model
