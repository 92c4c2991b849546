#pragma once
// Parameters and FLOPs per patch of a trained model (Torch side), from the network summary that
// skipseg-model summary prints.
#include <cstdint>
#include <string>

namespace skipseg::programs::study {

struct NetworkCost {
  std::int64_t parameters = 0;
  double flopsPerPatch = 0;  ///< one forward pass of one patch at the model's patch size
};

NetworkCost networkCost(const std::string& modelPath);

}  // namespace skipseg::programs::study
