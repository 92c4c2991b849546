#include "skipseg/study/Lesion.h"

#include "skipseg/core/Error.h"
#include "skipseg/nn/blocks/ConvNormAct.h"
#include "skipseg/nn/blocks/ResidualBlock.h"

#include <algorithm>
#include <random>

namespace skipseg::study {

std::vector<LesionSite> lesionSites(torch::nn::Module& network) {
  std::vector<LesionSite> sites;
  std::vector<std::string> residualPrefixes;
  for (const auto& item : network.named_modules("", false)) {
    const std::string& name = item.key();
    if (auto residual = std::dynamic_pointer_cast<nn::ResidualBlockImpl>(item.value())) {
      residualPrefixes.push_back(name + ".");
      sites.push_back({name, "residual", residual->identityShortcut(),
                       [residual](bool lesioned) { residual->setLesioned(lesioned); }});
      continue;
    }
    auto unit = std::dynamic_pointer_cast<nn::ConvNormActImpl>(item.value());
    const bool insideResidual = std::any_of(residualPrefixes.begin(), residualPrefixes.end(),
                                            [&](const std::string& prefix) { return name.rfind(prefix, 0) == 0; });
    if (unit && !insideResidual && unit->lesionable()) {
      sites.push_back({name, "plain", true, [unit](bool lesioned) { unit->setLesioned(lesioned); }});
    }
  }
  return sites;
}

Json LesionStudy::toJson() const {
  Json json{{"baseline", baseline}, {"blocks", Json::array()}, {"random_deletions", Json::array()}};
  for (std::size_t s = 0; s < sites.size(); ++s) {
    json["blocks"].push_back(
        {{"name", sites[s]}, {"kind", kinds[s]}, {"score", single[s]}, {"drop", baseline - single[s]}});
  }
  for (const auto& count : counts) {
    json["random_deletions"].push_back({{"deleted", count.deleted}, {"scores", count.scores}, {"mean", count.mean}});
  }
  return json;
}

namespace {

// Deletes sites for as long as it lives.
class ScopedLesions {
 public:
  ScopedLesions(std::vector<LesionSite>& sites, const std::vector<std::size_t>& chosen) : sites_(sites) {
    for (const auto index : chosen) {
      sites_[index].setLesioned(true);
      active_.push_back(index);
    }
  }
  ~ScopedLesions() {
    for (const auto index : active_) {
      sites_[index].setLesioned(false);
    }
  }

 private:
  std::vector<LesionSite>& sites_;
  std::vector<std::size_t> active_;
};

// Fisher-Yates with a modulo draw: std::shuffle's algorithm is left to the standard library.
std::vector<std::size_t> randomSubset(std::size_t population, int size, std::mt19937_64& generator) {
  std::vector<std::size_t> order(population);
  for (std::size_t i = 0; i < population; ++i) {
    order[i] = i;
  }
  for (std::size_t i = population; i > 1; --i) {
    std::swap(order[i - 1], order[generator() % i]);
  }
  order.resize(static_cast<std::size_t>(size));
  std::sort(order.begin(), order.end());
  return order;
}

double binomial(std::size_t n, int k) {
  double result = 1;
  for (int i = 1; i <= k; ++i) {
    result = result * static_cast<double>(n - static_cast<std::size_t>(k) + static_cast<std::size_t>(i)) / i;
  }
  return result;
}

}  // namespace

LesionStudy runLesionStudy(std::vector<LesionSite>& sites, const std::function<double()>& score,
                           const LesionOptions& options) {
  if (sites.empty()) {
    throw unsupported("lesion study",
                      "the network has no deletable blocks (residual blocks or plain units that "
                      "keep channels and resolution)");
  }
  LesionStudy study;
  study.baseline = score();
  for (std::size_t s = 0; s < sites.size(); ++s) {
    ScopedLesions lesion(sites, {s});
    study.sites.push_back(sites[s].name);
    study.kinds.push_back(sites[s].kind);
    study.single.push_back(score());
  }
  const int maxDeleted = options.maxDeleted > 0 ? std::min<int>(options.maxDeleted, static_cast<int>(sites.size()))
                                                : static_cast<int>(sites.size());
  std::mt19937_64 generator(options.seed);
  for (int k = 1; k <= maxDeleted; ++k) {
    LesionCountResult count;
    count.deleted = k;
    const int draws = static_cast<int>(std::min<double>(options.drawsPerCount, binomial(sites.size(), k)));
    double sum = 0;
    for (int draw = 0; draw < draws; ++draw) {
      ScopedLesions lesion(sites, randomSubset(sites.size(), k, generator));
      count.scores.push_back(score());
      sum += count.scores.back();
    }
    count.mean = draws > 0 ? sum / draws : 0;
    study.counts.push_back(count);
  }
  return study;
}

}  // namespace skipseg::study
