#include "skipseg/inference/Predictor.h"

#include "skipseg/core/Error.h"
#include "skipseg/inference/ComputeSettings.h"
#include "skipseg/inference/DeviceMemory.h"
#include "skipseg/inference/SlidingWindow.h"
#include "skipseg/model/SegmentationModel.h"
#include "skipseg/tensor/TensorBridge.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <spdlog/spdlog.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace skipseg::inference {
namespace {

/// Reports one model's share of the whole run: model m of n covers [m/n, (m+1)/n).
class ShareOfProgress : public ProgressReporter {
 public:
  ShareOfProgress(ProgressReporter& whole, std::size_t index, std::size_t count)
      : whole_(whole), index_(index), count_(count) {}
  void start(const std::string&, const std::string&) override {}
  void update(double fraction, const std::string& status) override {
    whole_.update(
        (static_cast<double>(index_) + fraction) / static_cast<double>(count_),
        count_ > 1 ? "model " + std::to_string(index_ + 1) + "/" + std::to_string(count_) + ", " + status : status);
  }
  void finish() override {}

 private:
  ProgressReporter& whole_;
  std::size_t index_, count_;
};

std::string firstLine(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

/// Why `candidate` cannot join an ensemble led by `first`; empty when it can.
std::string contractDifference(const ModelDescription& first, const ModelDescription& candidate) {
  if (candidate.spatialDims != first.spatialDims)
    return "spatial_dims";
  if (candidate.inChannels != first.inChannels)
    return "in_channels";
  if (candidate.axisOrder != first.axisOrder)
    return "axis_order";
  if (candidate.orientation != first.orientation)
    return "orientation";
  // The first model's preprocessing prepares the image for all: these must agree too.
  if (candidate.cropToNonZero != first.cropToNonZero)
    return "crop_to_nonzero";
  if (candidate.interpolation != first.interpolation)
    return "interpolation";
  for (std::size_t axis = 0; axis < 3; ++axis) {
    if (std::abs(candidate.spacing[axis] - first.spacing[axis]) > 1e-6)
      return "spacing";
  }
  Json firstNormalization = Json::array(), candidateNormalization = Json::array();
  for (const auto& spec : first.normalization) firstNormalization.push_back(spec.toJson());
  for (const auto& spec : candidate.normalization) candidateNormalization.push_back(spec.toJson());
  if (firstNormalization != candidateNormalization)
    return "normalization";
  if (candidate.labels.size() != first.labels.size())
    return "labels";
  for (std::size_t c = 0; c < first.labels.size(); ++c) {
    if (candidate.labels[c].id != first.labels[c].id)
      return "labels";
  }
  return "";
}

/// A forward pass ran out of device memory: with an automatic tile batch on CUDA the prediction is
/// retried with half the batch; otherwise it ends with this (one) error.
struct OutOfDeviceMemory : Error {
  using Error::Error;
};

constexpr int kCudaTileBatchCeiling = 32;

/// Softmax over the class axis of [1, K, s0, ...], in place, slab by slab along s0 so that only a
/// slab-sized temporary exists next to the volume.
void softmaxOverClassesInPlace(at::Tensor& scores) {
  const int64_t extent = scores.size(2);
  const int64_t slab = std::max<int64_t>(1, extent / 8);
  for (int64_t start = 0; start < extent; start += slab) {
    at::Tensor part = scores.narrow(2, start, std::min(slab, extent - start));
    part.copy_(at::softmax(part, 1));
  }
}

}  // namespace

int automaticTileBatch(const std::vector<int>& patchSize, bool cuda) {
  int64_t voxels = 1;
  for (const int extent : patchSize) voxels *= std::max(1, extent);
  const int64_t budget = cuda ? 2000000 : 300000;
  const int64_t ceiling = cuda ? 16 : 8;
  return static_cast<int>(std::clamp<int64_t>(budget / voxels, 1, ceiling));
}

/// The models that one --model path contributed (the folds of an nnU-Net folder or of a .ssm file):
/// indices [begin, end) into Predictor::Impl::models.
struct ModelGroup {
  std::string source;
  std::size_t begin = 0, end = 0;
  std::size_t size() const { return end - begin; }
};

struct Predictor::Impl {
  std::vector<std::unique_ptr<model::SegmentationModel>> models;
  std::vector<ModelGroup> groups;
  InferenceOptions options;
  c10::Device device{c10::kCPU};
  c10::ScalarType dtype = c10::kFloat;
  int threads = 1;
  std::vector<int64_t> mirrorAxes;
  SlidingWindowStatistics statistics;
  double predictSeconds = 0;
  int predictions = 0;
  std::vector<int> chosenTileBatches;  ///< per model; 0 until its first prediction decides
  std::string tileBatchChosen = "automatically from the patch size";

  const ModelDescription& description() const { return models.front()->description(); }

  int tileBatchFor(std::size_t index) {
    if (options.tileBatch > 0) {
      return options.tileBatch;
    }
    if (chosenTileBatches[index] == 0) {
      chosenTileBatches[index] = device.is_cuda() ? tileBatchFromFreeMemory(*models[index])
                                                  : automaticTileBatch(models[index]->description().patchSize, false);
    }
    return chosenTileBatches[index];
  }

  /// On CUDA: one tile through the network, and the device memory it took (LibTorch's caching allocator
  /// keeps what a forward pass needed) against what is free. The patch-size estimate where the CUDA
  /// runtime cannot be asked.
  int tileBatchFromFreeMemory(model::SegmentationModel& model) {
    const ModelDescription& described = model.description();
    const int estimate = automaticTileBatch(described.patchSize, true);
    const auto before = cudaDeviceMemory(device.index());
    if (!before) {
      tileBatchChosen = "automatically from the patch size (the CUDA runtime reports no free memory)";
      return estimate;
    }
    std::vector<int64_t> shape{1, described.inChannels};
    shape.insert(shape.end(), described.patchSize.begin(), described.patchSize.end());
    network(model, 1)(at::zeros(shape, at::TensorOptions().device(device).dtype(dtype)));
    torch::cuda::synchronize(device.index());
    const auto after = cudaDeviceMemory(device.index());
    if (!after) {
      return estimate;
    }
    const std::uint64_t perTile = before->freeBytes > after->freeBytes ? before->freeBytes - after->freeBytes : 0;
    const int batch = tileBatchForMemory(after->freeBytes, perTile, kCudaTileBatchCeiling);
    tileBatchChosen = "automatically from free GPU memory (" + std::to_string(after->freeBytes >> 20) + " MiB free, " +
                      std::to_string(perTile >> 20) + " MiB for one tile)";
    spdlog::info("inference: tile batch {} {}", batch, tileBatchChosen);
    return batch;
  }

  /// The model's forward with LibTorch's errors turned into one-line SkipSeg errors.
  Network network(model::SegmentationModel& model, int tileBatch) const {
    return [&model, tileBatch, this](const at::Tensor& tiles) {
      try {
        return model.forward(tiles);
      } catch (const c10::Error& error) {
        const std::string reason = firstLine(error.what_without_backtrace());
        if (reason.find("out of memory") != std::string::npos) {
          throw OutOfDeviceMemory(ExitCode::Unsupported, "out of memory on " + device.str() + " with a tile batch of " +
                                                             std::to_string(tileBatch) +
                                                             ": lower the tile batch or use another device (" + reason +
                                                             ")");
        }
        if (dtype != c10::kFloat) {
          throw Error(ExitCode::Unsupported, "precision " + precisionName(dtype) + " is not supported by " +
                                                 model.description().source + " on " + device.str() +
                                                 ": use float32 (" + reason + ")");
        }
        throw internalError(model.description().source + ": network forward failed: " + reason);
      }
    };
  }

  std::vector<int64_t> chooseMirrorAxes() const {
    if (!options.mirror) {
      return {};
    }
    const ModelDescription& first = description();
    std::vector<int> allowed = first.mirrorAxes;
    if (allowed.empty()) {
      for (int axis = 0; axis < first.spatialDims; ++axis) allowed.push_back(axis);
    }
    std::vector<int> chosen = options.mirrorAxes.empty() ? allowed : options.mirrorAxes;
    std::sort(chosen.begin(), chosen.end());
    chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
    std::string allowedText;
    for (const int axis : allowed) allowedText += (allowedText.empty() ? "" : ",") + std::to_string(axis);
    for (const int axis : chosen) {
      if (std::find(allowed.begin(), allowed.end(), axis) == allowed.end()) {
        throw usageError("mirror axis " + std::to_string(axis) + " is not allowed by " + first.source +
                         " (allowed: " + allowedText + ")");
      }
    }
    return std::vector<int64_t>(chosen.begin(), chosen.end());
  }
};

Predictor::Predictor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Predictor::~Predictor() = default;

std::unique_ptr<Predictor> Predictor::create(const std::vector<std::string>& modelPaths,
                                             const InferenceOptions& options) {
  if (modelPaths.empty()) {
    throw usageError("no model given");
  }
  if (!(options.overlap >= 0.0 && options.overlap < 1.0)) {
    throw usageError("the tile overlap must be in [0, 1), not " + std::to_string(options.overlap));
  }
  if (options.tileBatch < 0) {
    throw usageError("the tile batch must be 0 (automatic) or more, not " + std::to_string(options.tileBatch));
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->device = resolveDevice(options.device);
  impl->dtype = resolvePrecision(options.precision, impl->device);
  impl->threads = applyThreadCount(options.threads);
  if (impl->device.is_cuda()) {
    // Same input, same output: no autotuned (and possibly nondeterministic) cuDNN algorithms.
    at::globalContext().setBenchmarkCuDNN(false);
    at::globalContext().setDeterministicCuDNN(true);
    // float32 means IEEE float32: with TF32 (PyTorch's default for cuDNN convolutions on Ampere and
    // later) the H200's probabilities differed from the CPU's by 1.8e-4. Speed comes from --precision
    // bfloat16 or float16, which the user asks for by name.
    const bool tf32 = impl->dtype != c10::kFloat;
    at::globalContext().setAllowTF32CuDNN(tf32);
    at::globalContext().setAllowTF32CuBLAS(tf32);
  }

  for (const std::string& path : modelPaths) {
    ModelGroup group{path, impl->models.size(), impl->models.size()};
    for (auto& loaded : model::loadSegmentationModels(path)) {
      if (!impl->models.empty()) {
        const std::string difference = contractDifference(impl->description(), loaded->description());
        if (!difference.empty()) {
          throw badInput(path, "cannot be ensembled with " + impl->description().source + ": different " + difference);
        }
      }
      loaded->moveTo(impl->device, impl->dtype);
      impl->models.push_back(std::move(loaded));
    }
    group.end = impl->models.size();
    impl->groups.push_back(group);
  }
  impl->chosenTileBatches.assign(impl->models.size(), 0);
  if (options.tileBatch > 0) {
    impl->tileBatchChosen = "by the user";
  }
  impl->mirrorAxes = impl->chooseMirrorAxes();
  std::string mirrorText = impl->mirrorAxes.empty() ? "off" : "axes";
  for (const int64_t axis : impl->mirrorAxes) mirrorText += " " + std::to_string(axis);
  spdlog::info(
      "inference: {} network(s), device {}, precision {}, {} CPU thread(s), overlap {}, tile batch {}, "
      "mirroring {}",
      impl->models.size(), impl->device.str(), precisionName(impl->dtype), impl->threads, options.overlap,
      options.tileBatch > 0 ? std::to_string(options.tileBatch) : "auto", mirrorText);
  return std::unique_ptr<Predictor>(new Predictor(std::move(impl)));
}

const ModelDescription& Predictor::description() const {
  return impl_->description();
}

VoxelBuffer Predictor::predictProbabilities(const VoxelBuffer& input, ProgressReporter& progress) {
  const ModelDescription& description = impl_->description();
  if (static_cast<int>(input.channels) != description.inChannels) {
    throw badInput(description.source, "the model takes " + std::to_string(description.inChannels) +
                                           " input channel(s), the image has " + std::to_string(input.channels));
  }
  const auto started = std::chrono::steady_clock::now();
  // The report describes the latest prediction (one case), not a running total over the Predictor's
  // life: a batch worker that keeps the models loaded writes each case's own figures.
  impl_->statistics = SlidingWindowStatistics();
  impl_->predictSeconds = 0;
  const tensor::AxisOrder order = tensor::parseAxisOrder(description.axisOrder);
  c10::InferenceMode inferenceMode;
  const at::Tensor volume = tensor::viewAsTensor(input, order);

  progress.start("network", std::to_string(impl_->models.size()) + " network(s) on " + impl_->device.str());
  // A single model blending on the CPU writes its scores straight into the returned buffer.
  VoxelBuffer probabilities;
  at::Tensor target;
  // (Only when the volume needs no padding: a padded volume is blended at its padded size.)
  const auto& size = input.geometry.size;
  const std::vector<std::size_t> spatial = order == tensor::AxisOrder::Zyx
                                               ? std::vector<std::size_t>{size[2], size[1], size[0]}
                                               : std::vector<std::size_t>{size[0], size[1], size[2]};
  bool fitsWithoutPadding = description.patchSize.size() == 3;
  for (std::size_t axis = 0; fitsWithoutPadding && axis < 3; ++axis) {
    fitsWithoutPadding = spatial[axis] >= static_cast<std::size_t>(description.patchSize[axis]);
  }
  // The first network blends straight into the returned buffer; the others add to it.
  if (description.spatialDims == 3 && impl_->device.is_cpu() && fitsWithoutPadding) {
    probabilities = VoxelBuffer(input.geometry, static_cast<std::size_t>(description.classCount()));
    target = tensor::writableViewAsTensor(probabilities, order);
  }
  // nnU-Net's rules: the folds of one model are averaged in logit space (nnUNetPredictor sums the folds'
  // logits and divides by their number before the softmax); different models are averaged as
  // probabilities (as nnUNetv2_ensemble combines configurations).
  at::Tensor sum;
  std::size_t done = 0;
  for (const ModelGroup& group : impl_->groups) {
    at::Tensor groupSum;
    bool groupLogits = false;
    for (std::size_t index = group.begin; index < group.end; ++index, ++done) {
      model::SegmentationModel& model = *impl_->models[index];
      SlidingWindowOptions window;
      window.patchSize.assign(model.description().patchSize.begin(), model.description().patchSize.end());
      window.overlap = impl_->options.overlap;
      window.mirrorAxes = impl_->mirrorAxes;
      window.device = impl_->device;
      window.networkDtype = impl_->dtype;
      window.blendInto = done == 0 ? target : at::Tensor();
      ShareOfProgress share(progress, done, impl_->models.size());
      at::Tensor scores;
      const SlidingWindowStatistics statisticsBefore = impl_->statistics;
      while (!scores.defined()) {
        window.tileBatch = impl_->tileBatchFor(index);
        try {
          if (description.spatialDims == 2) {
            // Slices are planes of constant image k: the last tensor axis in "xyz", the first in "zyx".
            const int64_t sliceAxis = order == tensor::AxisOrder::Xyz ? 2 : 0;
            scores = slidingWindowSliceBySlice(volume, sliceAxis, impl_->network(model, window.tileBatch), window,
                                               share, &impl_->statistics);
          } else {
            scores = slidingWindowInference(volume, impl_->network(model, window.tileBatch), window, share,
                                            &impl_->statistics);
          }
        } catch (const OutOfDeviceMemory&) {
          // Only an automatic batch on CUDA is SkipSeg's to change (blendInto is used on the CPU only, so
          // nothing was written yet); the user's choice stands and its error says what to do.
          if (impl_->options.tileBatch > 0 || window.tileBatch == 1 || !impl_->device.is_cuda()) {
            throw;
          }
          impl_->chosenTileBatches[index] = window.tileBatch / 2;
          impl_->tileBatchChosen += ", halved after running out of memory";
          impl_->statistics = statisticsBefore;
          spdlog::warn("inference: out of memory on {} with a tile batch of {}: trying {}", impl_->device.str(),
                       window.tileBatch, window.tileBatch / 2);
        }
      }
      groupLogits = model.description().output == "logits";
      if (groupSum.defined()) {
        groupSum.add_(scores.to(groupSum.device()));
      } else {
        groupSum = scores;
      }
    }
    if (group.size() > 1) {
      groupSum.div_(static_cast<double>(group.size()));
    }
    if (groupLogits) {
      softmaxOverClassesInPlace(groupSum);
    }
    if (sum.defined()) {
      sum.add_(groupSum.to(sum.device()));
    } else {
      sum = groupSum;
    }
  }
  if (impl_->groups.size() > 1) {
    sum.div_(static_cast<double>(impl_->groups.size()));
  }
  if (!target.defined() || sum.data_ptr() != target.data_ptr()) {
    probabilities = tensor::toVoxelBuffer(sum, input.geometry, order);
  }
  progress.finish();
  impl_->predictSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ++impl_->predictions;
  spdlog::info(
      "inference: {} tiles ({} with constant input reused), {} forward passes, {:.2f} s in the network, "
      "{:.2f} s in total",
      impl_->statistics.tiles, impl_->statistics.reusedTiles, impl_->statistics.forwardPasses,
      impl_->statistics.networkSeconds, impl_->predictSeconds);
  return probabilities;
}

Json Predictor::report() const {
  Json models = Json::array();
  for (const auto& model : impl_->models) {
    models.push_back({{"source", model->description().source}, {"kind", model->kind()}});
  }
  Json ensemble = Json::array();
  for (const ModelGroup& group : impl_->groups) {
    const bool logits = impl_->models[group.begin]->description().output == "logits";
    ensemble.push_back({{"source", group.source},
                        {"networks", group.size()},
                        {"networks_combined_as", group.size() < 2 ? "single network"
                                                 : logits         ? "mean of logits, then softmax"
                                                                  : "mean of probabilities"}});
  }
  return {{"device", impl_->device.str()},
          {"precision", precisionName(impl_->dtype)},
          {"threads", impl_->threads},
          {"overlap", impl_->options.overlap},
          {"tile_batch", impl_->options.tileBatch > 0 ? impl_->options.tileBatch
                         : impl_->chosenTileBatches.front() > 0
                             ? impl_->chosenTileBatches.front()
                             : automaticTileBatch(impl_->description().patchSize, impl_->device.is_cuda())},
          {"tile_batch_chosen", impl_->tileBatchChosen},
          {"mirror_axes", impl_->mirrorAxes},
          {"tiles", impl_->statistics.tiles},
          {"tiles_reused_constant_input", impl_->statistics.reusedTiles},
          {"forward_passes", impl_->statistics.forwardPasses},
          {"network_seconds", impl_->statistics.networkSeconds},
          {"inference_seconds", impl_->predictSeconds},
          {"predictions", impl_->predictions},
          {"accumulation_device", impl_->statistics.accumulationDevice},
          {"libtorch", TORCH_VERSION},
          {"models", models},
          {"ensemble",
           {{"models", ensemble},
            {"models_combined_as", impl_->groups.size() < 2 ? "single model" : "mean of probabilities"}}}};
}

}  // namespace skipseg::inference
