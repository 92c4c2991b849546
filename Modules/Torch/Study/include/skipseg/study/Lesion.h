#pragma once
// The lesion study of Veit et al. ("Residual networks behave like ensembles of relatively shallow
// networks", NeurIPS 2016): delete blocks of a trained network at test time and measure what is lost.
// A residual block is deleted by leaving out its branch, so it computes only its identity path (the
// shortcut, and post-activation the activation after the sum); a plain unit, which has no path around
// it, is deleted by handing its input to the next unit, which is possible only where the unit keeps the
// channel count and the resolution. The claim: a residual network degrades smoothly, a plain one breaks.
#include "skipseg/core/JsonFile.h"

#include <torch/nn/module.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace skipseg::study {

struct LesionSite {
  std::string name;              ///< the block's module path ("encoder.0.1")
  std::string kind;              ///< "residual" or "plain"
  bool identityShortcut = true;  ///< residual: the shortcut is the identity (no 1x1 projection)
  std::function<void(bool)> setLesioned;
};

/// Every deletable block of `network`, in module order: each residual block, and each plain
/// ConvNormAct unit that is not inside a residual block and keeps channels and resolution. Empty for
/// networks built from other layers (the nnU-Net compatibility layer).
std::vector<LesionSite> lesionSites(torch::nn::Module& network);

struct LesionCountResult {
  int deleted = 0;             ///< k blocks deleted at once
  std::vector<double> scores;  ///< one per random draw of k blocks
  double mean = 0;
};

struct LesionStudy {
  double baseline = 0;             ///< nothing deleted
  std::vector<std::string> sites;  ///< names, in the order of `single`
  std::vector<std::string> kinds;
  std::vector<double> single;             ///< score with site s alone deleted
  std::vector<LesionCountResult> counts;  ///< k = 1..maxDeleted
  Json toJson() const;
};

struct LesionOptions {
  int maxDeleted = 0;     ///< largest k (0: every site)
  int drawsPerCount = 5;  ///< random subsets per k (fewer when fewer subsets exist, e.g. k = n)
  std::uint64_t seed = 0;
};

/// Runs `score` (e.g. the mean Dice on held-out cases) with nothing deleted, with each site deleted
/// alone, and with k random sites deleted together for k = 1..maxDeleted. Every site is restored
/// before returning, also when `score` throws. Subsets come from a seeded generator with a portable
/// shuffle: the same seed deletes the same blocks everywhere.
LesionStudy runLesionStudy(std::vector<LesionSite>& sites, const std::function<double()>& score,
                           const LesionOptions& options);

}  // namespace skipseg::study
