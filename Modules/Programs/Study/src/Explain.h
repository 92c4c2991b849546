#pragma once
// skipseg-study explain: the survey's explanatory experiments on trained models (loss landscape,
// lesion study) and on freshly initialised plain and residual networks (shattered gradients).
// Torch side: reads skipseg-train's output folder (model.ssm and its preprocessing cache), never ITK.
#include <cstdint>
#include <string>
#include <vector>

namespace skipseg::programs::study {

struct ExplainOptions {
  std::vector<std::string> trained;  ///< skipseg-train output folders (1 or 2: with and without skips)
  std::string cache;                 ///< cache folder when not TRAINED/cache (skipseg-train --cache)
  std::string output;
  std::vector<std::string> analyses{"landscape", "lesion", "gradients"};
  int grid = 21;
  double extent = 1.0;
  int batch = 8;
  int lesionDraws = 5;
  int lesionMax = 0;
  std::vector<int> depths{2, 4, 8, 16, 32};
  std::uint64_t seed = 0;
};

/// Runs the analyses and writes OUTPUT/<analysis>.json and its PNGs; returns the files written.
std::vector<std::string> runExplain(const ExplainOptions& options);

}  // namespace skipseg::programs::study
