#include "NetworkCost.h"

#include "skipseg/model/SkipSegModelFile.h"
#include "skipseg/nn/NetworkSummary.h"

namespace skipseg::programs::study {

NetworkCost networkCost(const std::string& modelPath) {
  auto members = model::readSkipSegModel(modelPath);
  const auto& description = members.front().description;
  std::vector<int64_t> shape{1, description.inChannels};
  shape.insert(shape.end(), description.patchSize.begin(), description.patchSize.end());
  const auto summary = nn::summarizeNetwork(*members.front().network, shape);
  return {summary.at("parameters").get<std::int64_t>(), summary.at("flops").get<double>()};
}

}  // namespace skipseg::programs::study
