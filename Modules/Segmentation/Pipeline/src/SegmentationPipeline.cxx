#include "skipseg/segmentation/SegmentationPipeline.h"
#include "skipseg/segmentation/ModelGridPreprocessing.h"

#include "CaseOutputs.h"

#include "skipseg/core/Error.h"
#include "skipseg/core/Interrupt.h"
#include "skipseg/core/StageTimer.h"
#include "skipseg/core/UtcTime.h"
#include "skipseg/core/Version.h"
#include "skipseg/io/Geometry.h"
#include "skipseg/io/ImageFormats.h"
#include "skipseg/io/ImageWriter.h"
#include "skipseg/io/Orientation.h"
#include "skipseg/postprocessing/Components.h"
#include "skipseg/preprocessing/BackMapping.h"
#if SKIPSEG_HAVE_SKIPSEGRENDER
#include "skipseg/render/AnnotatedPictures.h"
#include "skipseg/render/RenderSegmentation.h"
#endif

#include <itkImageRegionConstIterator.h>
#include <itkVersion.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <map>
#include <mutex>

namespace skipseg::segmentation {

struct PreparedCase {
  ModelGridInput modelInput;
  StageTimer timer;
  std::string startedAt = utcNow();  ///< when work on the case began (reading the scan)
};

struct SegmentationPipeline::Impl {
  std::vector<std::string> modelPaths;
  PipelineOptions options;
  std::unique_ptr<inference::Predictor> predictor;
  io::LabelImage::Pointer lastLabels;
};

namespace {

std::vector<preprocessing::LabelValue> labelIdsOf(const ModelDescription& description) {
  std::vector<preprocessing::LabelValue> ids;
  for (const auto& label : description.labels) {
    ids.push_back(static_cast<preprocessing::LabelValue>(label.id));
  }
  return ids;
}

void postprocess(io::LabelImage& labels, const PipelineOptions& options, Json& record) {
  using namespace skipseg::postprocessing;
  if (options.largestComponent != LargestComponent::None) {
    ComponentOptions componentOptions;
    componentOptions.scope = options.largestComponent == LargestComponent::PerLabel ? ComponentScope::PerLabel
                                                                                    : ComponentScope::AllForeground;
    const auto report = keepLargestComponent(labels, componentOptions);
    record["largest_component"] = {{"components_removed", report.componentsRemoved},
                                   {"voxels_removed", report.voxelsRemoved}};
  }
  if (options.minimumComponentMm3 > 0) {
    const auto report = removeSmallComponents(labels, options.minimumComponentMm3);
    record["small_components"] = {{"minimum_mm3", options.minimumComponentMm3},
                                  {"components_removed", report.componentsRemoved},
                                  {"voxels_removed", report.voxelsRemoved}};
  }
  if (options.fillHoles) {
    record["holes_filled_voxels"] = fillHoles(labels);
  }
}

// The components of the probability file: one per model label, in the model's order.
std::vector<io::ComponentLabel> componentLabelsOf(const ModelDescription& description) {
  std::vector<io::ComponentLabel> components;
  for (const auto& label : description.labels) {
    components.push_back({label.name, label.id});
  }
  return components;
}

// The description of the model that ran, with the kind and format of its file: skipseg.json's own
// format tag says nothing about a .ssm file or an nnU-Net folder.
Json modelRecord(const ModelDescription& description, const Json& inferenceReport) {
  static const std::map<std::string, std::string> formats{
      {"skipseg", "skipseg-model/1"}, {"torchscript", "skipseg-torchscript/1"}, {"nnunet", "nnunet-v2"}};
  Json record = description.toJson();
  const std::string kind = inferenceReport.at("models").at(0).value("kind", std::string());
  const auto format = formats.find(kind);
  record["kind"] = kind;
  record["format"] = format != formats.end() ? Json(format->second) : Json(nullptr);
  return record;
}

// Voxel count and volume of every label present, for the sidecar and the log.
Json labelVolumes(const io::LabelImage& labels, const ModelDescription& description) {
  std::map<unsigned, std::size_t> counts;
  itk::ImageRegionConstIterator<io::LabelImage> it(&labels, labels.GetBufferedRegion());
  for (; !it.IsAtEnd(); ++it) {
    ++counts[it.Get()];
  }
  const auto spacing = labels.GetSpacing();
  const double voxelVolume = spacing[0] * spacing[1] * spacing[2];
  Json volumes = Json::object();
  for (const auto& label : description.labels) {
    if (label.id == 0) {
      continue;
    }
    const std::size_t count =
        counts.count(static_cast<unsigned>(label.id)) ? counts[static_cast<unsigned>(label.id)] : 0;
    volumes[label.name] = {
        {"id", label.id}, {"voxels", count}, {"volume_mm3", static_cast<double>(count) * voxelVolume}};
  }
  return volumes;
}

#if SKIPSEG_HAVE_SKIPSEGRENDER
// The model(s) for a picture's title: the first, and how many more an ensemble of files holds.
std::string modelNames(const std::vector<std::string>& paths) {
  std::string names = paths.empty() ? "" : paths.front();
  if (paths.size() > 1) {
    names += " (+" + std::to_string(paths.size() - 1) + " more)";
  }
  return names;
}
#endif

}  // namespace

SegmentationPipeline::SegmentationPipeline(const std::vector<std::string>& modelPaths, const PipelineOptions& options)
    : impl_(std::make_unique<Impl>()) {
  if (modelPaths.empty()) {
    throw usageError("no model given");
  }
  impl_->modelPaths = modelPaths;
  impl_->options = options;
  impl_->predictor = inference::Predictor::create(modelPaths, options.inference);
}

SegmentationPipeline::~SegmentationPipeline() = default;

const ModelDescription& SegmentationPipeline::description() const {
  return impl_->predictor->description();
}

io::LabelImage::Pointer SegmentationPipeline::lastLabels() const {
  return impl_->lastLabels;
}

void PreparedCaseDeleter::operator()(PreparedCase* prepared) const {
  delete prepared;
}

PreparedCasePtr SegmentationPipeline::prepare(const CaseRequest& request) const {
  if (!request.renderDirectory.empty()) {
    checkRenderingAvailable(request.renderDirectory);  // before the scan is read
  }
  if (!request.preview.empty()) {
    checkRenderingAvailable(request.preview);
  }
  PreparedCasePtr prepared(new PreparedCase);
  prepared->modelInput =
      prepareModelGridInput(request.inputs, request.read, description(), impl_->options.interpolation,
                            !request.renderDirectory.empty() || !request.preview.empty(), prepared->timer);
  return prepared;
}

CaseResult SegmentationPipeline::finish(PreparedCase& prepared, const CaseRequest& request,
                                        ProgressReporter& progress) {
  if (request.outputLabels.empty()) {
    throw usageError("no output path for the labels given");
  }
  const ModelDescription& model = description();
  ModelGridInput& input = prepared.modelInput;
  StageTimer& timer = prepared.timer;

  timer.start("network");
  progress.start("network", "sliding-window inference on " + input.modelGrid.describe());
  VoxelBuffer probabilities = impl_->predictor->predictProbabilities(input.voxels, progress);
  progress.finish();
  input.voxels = VoxelBuffer();  // the normalised input is no longer needed
  timer.stop();
  throwIfInterrupted();  // safe points between the stages: nothing has been written yet

  timer.start("resample");
  preprocessing::BackMappingOptions backMapping;
  backMapping.slabSlices = impl_->options.slabSlices;
  backMapping.threads = static_cast<unsigned>(std::max(0, impl_->options.inference.threads));
  const auto labelIds = labelIdsOf(model);
  io::LabelImage::Pointer labels =
      preprocessing::mapScoresToNativeLabels(probabilities, input.nativeGeometry, labelIds, backMapping);
  VoxelBuffer nativeProbabilities;
  if (!request.outputProbabilities.empty()) {
    nativeProbabilities =
        preprocessing::mapScoresToNativeGrid(probabilities, input.nativeGeometry, labelIds, backMapping);
  }
  probabilities = VoxelBuffer();
  timer.stop();
  throwIfInterrupted();

  Json postprocessRecord = Json::object();
  timer.start("postprocess");
  postprocess(*labels, impl_->options, postprocessRecord);
  timer.stop();
  throwIfInterrupted();

  timer.start("write");
  CaseOutputs outputs;  // removes everything it wrote unless the case completes
  outputs.writeLabels(*labels, request.outputLabels);
  if (!request.outputProbabilities.empty()) {
    outputs.writeProbabilities(nativeProbabilities, request.outputProbabilities, componentLabelsOf(model));
  }
  timer.stop();
#if SKIPSEG_HAVE_SKIPSEGRENDER
  if (!request.renderDirectory.empty() || !request.preview.empty()) {
    timer.start("render");
    auto image = input.nativeImage;
    render::RenderOptions renderOptions;
    renderOptions.title =
        render::pictureTitle(request.inputs.front(), request.outputLabels, modelNames(impl_->modelPaths));
    // The meshes and pictures are committed under the case's transaction too (same thread).
    if (!request.renderDirectory.empty()) {
      render::renderSegmentation(*labels, image.GetPointer(), model.labels, request.renderDirectory, renderOptions,
                                 progress);
    }
    if (!request.preview.empty()) {
      render::writePng(render::sliceMosaicFigure(*labels, image.GetPointer(), model.labels, renderOptions.mosaic,
                                                 renderOptions.title)
                           .picture,
                       request.preview);
    }
    timer.stop();
  }
#endif

  Json sidecar;
  sidecar["skipseg_version"] = version();
  sidecar["itk_version"] = itk::Version::GetITKVersion();
  sidecar["inputs"] = request.inputs;
  sidecar["native_geometry"] = {{"size", input.nativeGeometry.size},
                                {"spacing", input.nativeGeometry.spacing},
                                {"origin", input.nativeGeometry.origin},
                                {"direction", input.nativeGeometry.direction},
                                {"orientation", io::orientationCode(input.nativeGeometry)}};
  sidecar["model_grid"] = {{"size", input.modelGrid.size},
                           {"spacing", input.modelGrid.spacing},
                           {"orientation", io::orientationCode(input.modelGrid)},
                           {"cropped_to_nonzero", input.cropped}};
  sidecar["models"] = impl_->modelPaths;
  sidecar["inference"] = impl_->predictor->report();
  sidecar["model"] = modelRecord(model, sidecar["inference"]);
  sidecar["options"] = request.commandLine;
  sidecar["postprocessing"] = postprocessRecord;
  sidecar["labels"] = labelVolumes(*labels, model);
  sidecar["outputs"] = outputs.files();
  sidecar["timings_seconds"] = timer.toJson();
  sidecar["started_at"] = prepared.startedAt;
  sidecar["finished_at"] = utcNow();  // the sidecar is the case's last file

  const std::string sidecarPath = request.sidecar.empty() ? defaultSidecarPath(request.outputLabels) : request.sidecar;
  if (sidecarPath != "-") {
    outputs.writeJson(sidecar, sidecarPath);
  }
  outputs.keep();  // the last safe point: a signal before here removes every file of the case
  impl_->lastLabels = labels;
  spdlog::info("segmented {} with {} model(s) into {} in {:.2f} s", request.inputs.front(), impl_->modelPaths.size(),
               request.outputLabels, timer.totalSeconds());
  return CaseResult{sidecar, outputs.files()};
}

CaseResult SegmentationPipeline::run(const CaseRequest& request, ProgressReporter& progress) {
  if (request.outputLabels.empty()) {
    throw usageError("no output path for the labels given");
  }
  auto prepared = prepare(request);
  return finish(*prepared, request, progress);
}

void checkRenderingAvailable(const std::string& renderDirectory) {
  if (!SKIPSEG_HAVE_SKIPSEGRENDER) {
    throw Error(ExitCode::Unsupported, renderDirectory +
                                           ": pictures and meshes need SkipSeg built with VTK; this build has none "
                                           "(SKIPSEG_WITH_VTK=OFF)");
  }
}

std::string defaultSidecarPath(const std::string& labelsPath) {
  return io::withoutImageExtension(labelsPath) + ".json";
}

LargestComponent parseLargestComponent(const std::string& text) {
  if (text == "none")
    return LargestComponent::None;
  if (text == "per-label")
    return LargestComponent::PerLabel;
  if (text == "foreground")
    return LargestComponent::Foreground;
  throw usageError("largest component \"" + text + "\" is not none, per-label or foreground");
}

}  // namespace skipseg::segmentation
