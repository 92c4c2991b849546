#pragma once
// skipseg-study ablate: a grid of networks that differ only in their skip connections, trained with
// the same plans, split, seed, augmentation and iteration budget (optionally cut short by a wall-time
// budget) by skipseg-train's own code, then
// evaluated on the held-out cases through skipseg-segment's pipeline and skipseg-evaluate's metrics.
// Resumable: each finished variant leaves OUTPUT/variants/NAME/result.json (written atomically, last);
// a rerun skips those, resumes an interrupted training from its checkpoint and trains the rest.
#include <cstdint>
#include <string>

namespace skipseg::programs::study {

struct AblateOptions {
  std::string dataset;   ///< nnU-Net raw folder or CSV manifest (skipseg-plan's input)
  std::string variants;  ///< JSON file: {"variants": [{"name", "network", "options"}]}
  std::string output;
  std::string configuration = "2d";
  std::string fold = "0";
  int folds = 5;
  int epochs = 1;
  int iterations = 50;            ///< per epoch: the budget is epochs x iterations batches for every variant
  int batchSize = 0;              ///< 0: the plans'
  double budgetSeconds = 0;       ///< wall time per variant (0: none); stops inside an epoch, not reproducible
  std::string optimizer = "sgd";  ///< skipseg-train's --optimizer (sgd or adamw), the same for every variant
  std::uint64_t seed = 0;
  int torchThreads = 0;
};

/// Returns the exit code (that of skipseg-plan or skipseg-train when one of them failed).
int runAblate(const AblateOptions& options);

}  // namespace skipseg::programs::study
