#include "skipseg/planning/Fingerprint.h"

#include "skipseg/core/Error.h"
#include "skipseg/core/Progress.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace skipseg::planning {

CropBox nonZeroBox(const VoxelBuffer& image) {
  const auto& size = image.geometry.size;
  CropBox box;
  box.begin = size;
  bool any = false;
  for (std::size_t c = 0; c < image.channels; ++c) {
    for (std::size_t k = 0; k < size[2]; ++k) {
      for (std::size_t j = 0; j < size[1]; ++j) {
        for (std::size_t i = 0; i < size[0]; ++i) {
          if (image.at(c, i, j, k) != 0.0f) {
            const std::array<std::size_t, 3> index{{i, j, k}};
            for (std::size_t a = 0; a < 3; ++a) {
              box.begin[a] = std::min(box.begin[a], index[a]);
              box.end[a] = std::max(box.end[a], index[a] + 1);
            }
            any = true;
          }
        }
      }
    }
  }
  if (!any) {
    box.begin = {{0, 0, 0}};
    box.end = size;
  }
  return box;
}

DatasetFingerprint computeFingerprint(const Dataset& dataset, std::uint64_t seed, std::size_t samplesPerCase,
                                      ProgressReporter& progress) {
  DatasetFingerprint fingerprint;
  fingerprint.channelNames = dataset.channelNames;
  std::vector<std::vector<double>> samples(dataset.channelNames.size());
  progress.start("fingerprint", std::to_string(dataset.cases.size()) + " cases");
  for (std::size_t n = 0; n < dataset.cases.size(); ++n) {
    const LoadedCase loaded = loadCase(dataset.cases[n]);
    const auto& geometry = loaded.image.geometry;
    const CropBox box = nonZeroBox(loaded.image);
    fingerprint.spacings.push_back(geometry.spacing);
    fingerprint.croppedSizes.push_back(box.size());
    const auto cropped = box.size();
    fingerprint.croppedVolumeFractions.push_back(static_cast<double>(cropped[0] * cropped[1] * cropped[2]) /
                                                 static_cast<double>(geometry.voxelCount()));
    std::vector<std::size_t> foreground;
    for (std::size_t v = 0; v < loaded.label.values.size(); ++v) {
      if (loaded.label.values[v] > 0.0f) {
        foreground.push_back(v);
      }
    }
    // Seeded per case, so the statistics do not depend on the order in which cases are read.
    std::mt19937_64 generator(seed + 7919 * n);
    const std::size_t draws = std::min(samplesPerCase, foreground.size());
    for (std::size_t s = 0; s < draws; ++s) {
      const std::size_t voxel =
          foreground.size() <= samplesPerCase ? foreground[s] : foreground[generator() % foreground.size()];
      for (std::size_t c = 0; c < loaded.image.channels; ++c) {
        samples[c].push_back(loaded.image.channel(c)[voxel]);
      }
    }
    progress.update(static_cast<double>(n + 1) / static_cast<double>(dataset.cases.size()), dataset.cases[n].id);
  }
  progress.finish();
  for (auto& values : samples) {
    ChannelIntensityStatistics stats;
    if (!values.empty()) {
      double sum = 0, sumSquares = 0;
      for (double v : values) {
        sum += v;
        sumSquares += v * v;
      }
      const double count = static_cast<double>(values.size());
      stats.mean = sum / count;
      stats.std = std::sqrt(std::max(0.0, sumSquares / count - stats.mean * stats.mean));
      stats.percentile00_5 = percentile(values, 0.5);
      stats.percentile99_5 = percentile(values, 99.5);
      stats.minimum = *std::min_element(values.begin(), values.end());
      stats.maximum = *std::max_element(values.begin(), values.end());
    }
    fingerprint.intensities.push_back(stats);
  }
  return fingerprint;
}

Json fingerprintToJson(const DatasetFingerprint& fingerprint) {
  Json json;
  json["spacings"] = fingerprint.spacings;
  json["sizes_after_crop"] = fingerprint.croppedSizes;
  json["cropped_volume_fractions"] = fingerprint.croppedVolumeFractions;
  json["channel_names"] = fingerprint.channelNames;
  Json channels = Json::array();
  for (const auto& stats : fingerprint.intensities) {
    channels.push_back({{"mean", stats.mean},
                        {"std", stats.std},
                        {"percentile_00_5", stats.percentile00_5},
                        {"percentile_99_5", stats.percentile99_5},
                        {"min", stats.minimum},
                        {"max", stats.maximum}});
  }
  json["foreground_intensities"] = channels;
  return json;
}

DatasetFingerprint fingerprintFromJson(const Json& json, const std::string& source) {
  DatasetFingerprint fingerprint;
  try {
    fingerprint.spacings = json.at("spacings").get<std::vector<std::array<double, 3>>>();
    fingerprint.croppedSizes = json.at("sizes_after_crop").get<std::vector<std::array<std::size_t, 3>>>();
    fingerprint.croppedVolumeFractions = json.at("cropped_volume_fractions").get<std::vector<double>>();
    fingerprint.channelNames = json.at("channel_names").get<std::vector<std::string>>();
    for (const auto& channel : json.at("foreground_intensities")) {
      ChannelIntensityStatistics stats;
      stats.mean = channel.at("mean").get<double>();
      stats.std = channel.at("std").get<double>();
      stats.percentile00_5 = channel.at("percentile_00_5").get<double>();
      stats.percentile99_5 = channel.at("percentile_99_5").get<double>();
      stats.minimum = channel.at("min").get<double>();
      stats.maximum = channel.at("max").get<double>();
      fingerprint.intensities.push_back(stats);
    }
  } catch (const nlohmann::json::exception& error) {
    throw badInput(source, std::string("fingerprint is malformed: ") + error.what());
  }
  return fingerprint;
}

}  // namespace skipseg::planning
