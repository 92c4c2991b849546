#include "StudyDatasets.h"

#include "skipseg/core/Error.h"
#include "skipseg/core/JsonFile.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/ImageWriter.h"
#include "skipseg/itkbridge/ItkImage.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>

namespace fs = std::filesystem;

namespace skipseg::programs::study {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Portable draws (the standard distributions' algorithms differ between libraries).
double uniform01(std::mt19937_64& generator) {
  return static_cast<double>(generator() >> 11) * (1.0 / 9007199254740992.0);
}
double gaussian(std::mt19937_64& generator) {  // Box-Muller
  const double u = std::max(uniform01(generator), 1e-300);
  return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * kPi * uniform01(generator));
}

void prepareFolders(const std::string& folder) {
  std::error_code error;
  fs::create_directories(fs::path(folder) / "imagesTr", error);
  fs::create_directories(fs::path(folder) / "labelsTr", error);
  if (error) {
    throw outputFailed(folder, "cannot create the dataset folders: " + error.message());
  }
}

void writeDatasetJson(const std::string& folder, const std::string& channel, const std::vector<std::string>& names,
                      int cases, const Json& extra) {
  Json labels{{"background", 0}};
  for (std::size_t l = 0; l < names.size(); ++l) {
    labels[names[l]] = static_cast<int>(l + 1);
  }
  Json json{{"channel_names", {{"0", channel}}},
            {"labels", labels},
            {"numTraining", cases},
            {"file_ending", ".nii.gz"},
            {"generated_by", extra}};
  writeJsonFile((fs::path(folder) / "dataset.json").string(), json);
}

void writeCase(const std::string& folder, const std::string& id, const FloatImage* image, const LabelImage* labels) {
  io::writeImage(image, (fs::path(folder) / "imagesTr" / (id + "_0000.nii.gz")).string());
  io::writeLabelImage(labels, (fs::path(folder) / "labelsTr" / (id + ".nii.gz")).string());
}

}  // namespace

void writeShapesDataset(const std::string& folder, const ShapesOptions& options) {
  if (options.cases < 2 || options.slices < 1 || options.size < 16) {
    throw usageError("shapes dataset: needs at least 2 cases, 1 slice and slices of at least 16 voxels");
  }
  prepareFolders(folder);
  std::mt19937_64 generator(options.seed);
  ImageGeometry geometry;
  geometry.size = {static_cast<std::size_t>(options.size), static_cast<std::size_t>(options.size),
                   static_cast<std::size_t>(options.slices)};
  const int n = options.size;
  for (int c = 0; c < options.cases; ++c) {
    auto image = makeFloatImage(geometry);
    auto labels = makeLabelImage(geometry);
    float* voxels = image->GetBufferPointer();
    LabelValue* classes = labels->GetBufferPointer();
    for (int z = 0; z < options.slices; ++z) {
      // Background: a smooth wave pattern of random direction and phase.
      const double angle = 2 * kPi * uniform01(generator), phase = 2 * kPi * uniform01(generator);
      const double frequency = 0.08 + 0.08 * uniform01(generator);
      for (int y = 0; y < n; ++y) {
        for (int x = 0; x < n; ++x) {
          const std::size_t index = (static_cast<std::size_t>(z) * n + y) * n + x;
          voxels[index] =
              static_cast<float>(0.3 * std::sin(frequency * (x * std::cos(angle) + y * std::sin(angle)) + phase));
          classes[index] = 0;
        }
      }
      // Two to four objects, each a disk or a square, placed anywhere (overlaps: the later one wins).
      const int objects = 2 + static_cast<int>(generator() % 3);
      for (int o = 0; o < objects; ++o) {
        const bool disk = generator() % 2 == 0;
        const double radius = 5 + 7 * uniform01(generator);
        const double cx = radius + (n - 2 * radius) * uniform01(generator);
        const double cy = radius + (n - 2 * radius) * uniform01(generator);
        const double stripeAngle = 2 * kPi * uniform01(generator);
        for (int y = 0; y < n; ++y) {
          for (int x = 0; x < n; ++x) {
            const double dx = x - cx, dy = y - cy;
            const bool inside = disk ? dx * dx + dy * dy <= radius * radius
                                     : std::abs(dx) <= radius * 0.85 && std::abs(dy) <= radius * 0.85;
            if (!inside) {
              continue;
            }
            const std::size_t index = (static_cast<std::size_t>(z) * n + y) * n + x;
            // Same mean (1.0) for both; squares striped (period 4 voxels), disks brighter at the centre.
            const double texture =
                disk ? 0.4 * (1.0 - std::sqrt(dx * dx + dy * dy) / radius) - 0.2
                     : 0.5 * std::sin(2 * kPi / 4.0 * (dx * std::cos(stripeAngle) + dy * std::sin(stripeAngle)));
            voxels[index] = static_cast<float>(1.0 + texture);
            classes[index] = disk ? 1 : 2;
          }
        }
      }
      for (int v = 0; v < n * n; ++v) {
        voxels[static_cast<std::size_t>(z) * n * n + v] += static_cast<float>(options.noise * gaussian(generator));
      }
    }
    char id[32];
    std::snprintf(id, sizeof(id), "shapes_%03d", c);
    writeCase(folder, id, image.GetPointer(), labels.GetPointer());
  }
  writeDatasetJson(folder, "synthetic", {"disk", "square"}, options.cases,
                   {{"kind", "shapes"},
                    {"cases", options.cases},
                    {"slices", options.slices},
                    {"size", options.size},
                    {"noise", options.noise},
                    {"seed", options.seed}});
  spdlog::info("wrote {} cases of {} slices {}x{} to {}", options.cases, options.slices, n, n, folder);
}

void writeSlabDataset(const std::string& folder, const SlabOptions& options) {
  if (options.keptLabels.empty() || options.keptLabels.size() != options.names.size()) {
    throw usageError("slab dataset: give the label ids to keep and one name for each");
  }
  if (options.heldOutFraction <= 0 || options.heldOutFraction >= 1) {
    throw usageError("slab dataset: the held-out fraction must lie in (0, 1)");
  }
  const auto image = io::readImage(options.image).image;
  const auto labels = io::readLabelImage(options.labels);
  const auto geometry = geometryOf(*image);
  if (!geometry.sameGrid(geometryOf(*labels))) {
    throw badInput(options.labels, "does not lie on the grid of " + options.image);
  }
  const std::size_t plane = geometry.size[0] * geometry.size[1];
  // Only the slices where a kept structure appears: slabs of empty slices would teach little and
  // could hold out nothing to score.
  std::size_t low = geometry.size[2], high = 0;
  for (std::size_t k = 0; k < geometry.size[2]; ++k) {
    const LabelValue* slice = labels->GetBufferPointer() + k * plane;
    for (std::size_t v = 0; v < plane; ++v) {
      if (std::find(options.keptLabels.begin(), options.keptLabels.end(), slice[v]) != options.keptLabels.end()) {
        low = std::min(low, k);
        high = std::max(high, k);
        break;
      }
    }
  }
  if (low > high) {
    throw badInput(options.labels, "holds none of the labels to keep");
  }
  prepareFolders(folder);
  const std::size_t depth = high - low + 1;
  const auto heldOutSlices =
      std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(depth * options.heldOutFraction)));
  const std::size_t split = low + depth - heldOutSlices;
  for (const bool heldOut : {false, true}) {
    const std::size_t first = heldOut ? split : low, count = heldOut ? heldOutSlices : split - low;
    ImageGeometry slab = geometry;
    slab.size[2] = count;
    slab.origin = geometry.indexToPhysical({0.0, 0.0, static_cast<double>(first)});
    auto slabImage = makeFloatImage(slab);
    auto slabLabels = makeLabelImage(slab);
    std::copy_n(image->GetBufferPointer() + first * plane, count * plane, slabImage->GetBufferPointer());
    const LabelValue* source = labels->GetBufferPointer() + first * plane;
    LabelValue* target = slabLabels->GetBufferPointer();
    std::vector<std::size_t> voxelsPerLabel(options.keptLabels.size(), 0);
    for (std::size_t v = 0; v < count * plane; ++v) {
      target[v] = 0;
      for (std::size_t l = 0; l < options.keptLabels.size(); ++l) {
        if (source[v] == options.keptLabels[l]) {
          target[v] = static_cast<LabelValue>(l + 1);
          ++voxelsPerLabel[l];
        }
      }
    }
    const std::string id = heldOut ? "slab_heldout" : "slab_train";
    writeCase(folder, id, slabImage.GetPointer(), slabLabels.GetPointer());
    std::string counts;
    for (std::size_t l = 0; l < options.names.size(); ++l) {
      counts += (counts.empty() ? "" : ", ") + options.names[l] + " " + std::to_string(voxelsPerLabel[l]);
    }
    spdlog::info("{}: slices {}..{} of {}, voxels per label: {}", id, first, first + count - 1, geometry.size[2],
                 counts);
  }
  writeDatasetJson(folder, "CT", options.names, 2,
                   {{"kind", "ct-slabs"},
                    {"image", options.image},
                    {"labels", options.labels},
                    {"kept_labels", options.keptLabels},
                    {"held_out_fraction", options.heldOutFraction}});
}

}  // namespace skipseg::programs::study
