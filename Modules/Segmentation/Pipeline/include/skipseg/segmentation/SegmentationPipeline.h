#pragma once
// One case from scan to labels, with a model loaded once for many cases (skipseg-segment runs one,
// skipseg-batch many). The stages and their contracts:
//   read        the scan (file or DICOM series; one file per input channel), native geometry kept
//   preprocess  reorient to the model's orientation, crop to the non-zero box when the model asks,
//               resample to the model's spacing, normalise each channel as the model says
//   network     sliding-window inference in the model's grid (skipseg::inference::Predictor)
//   resample    per-class scores mapped back through physical space to the native grid and the argmax
//               taken slab by slab, so full-resolution probabilities of every class never exist at once
//   postprocess largest component / small components / holes, as asked
//   write       labels in the scan's exact geometry, optional probabilities, a JSON sidecar, pictures
// Outputs appear only when the whole case succeeded: a failure removes what this case had written.
#include "skipseg/core/JsonFile.h"
#include "skipseg/core/ModelDescription.h"
#include "skipseg/core/Progress.h"
#include "skipseg/inference/Predictor.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/ImageTypes.h"

#include <memory>
#include <string>
#include <vector>

namespace skipseg::segmentation {

enum class LargestComponent { None, PerLabel, Foreground };

struct PipelineOptions {
  inference::InferenceOptions inference;
  /// Image resampling to the model grid: nearest|linear|bspline; empty or "model": the model's own.
  std::string interpolation;
  LargestComponent largestComponent = LargestComponent::None;
  double minimumComponentMm3 = 0.0;  ///< remove components smaller than this (0: keep all)
  bool fillHoles = false;
  std::size_t slabSlices = 8;  ///< native slices per unit of the back-mapping
};

struct CaseRequest {
  std::vector<std::string> inputs;  ///< one path per model input channel
  io::ReadOptions read;
  std::string outputLabels;           ///< required: .nii, .nii.gz, .nrrd, .mha, ...
  std::string outputProbabilities;    ///< optional: per-class probabilities on the native grid
  std::string sidecar;                ///< optional; "" derives <labels stem>.json, "-" writes none
  std::string renderDirectory;        ///< optional: meshes and pictures
  std::string preview;                ///< optional: one PNG of the annotated slices, no meshes
  Json commandLine = Json::object();  ///< options as given, recorded in the sidecar
};

/// A case read and preprocessed, waiting for the network (lets batch work read ahead). Opaque:
/// the deleter lets callers hold one without seeing its (ITK-heavy) definition.
struct PreparedCase;
struct PreparedCaseDeleter {
  void operator()(PreparedCase* prepared) const;
};
using PreparedCasePtr = std::unique_ptr<PreparedCase, PreparedCaseDeleter>;

struct CaseResult {
  Json sidecar;                      ///< what was run and how long each stage took
  std::vector<std::string> outputs;  ///< files written
};

class SegmentationPipeline {
 public:
  /// Loads the models once (paths as skipseg::inference::Predictor::create takes them).
  SegmentationPipeline(const std::vector<std::string>& modelPaths, const PipelineOptions& options);
  ~SegmentationPipeline();
  SegmentationPipeline(const SegmentationPipeline&) = delete;
  SegmentationPipeline& operator=(const SegmentationPipeline&) = delete;

  const ModelDescription& description() const;

  /// read + preprocess of request.inputs. Thread-safe (no model state involved).
  PreparedCasePtr prepare(const CaseRequest& request) const;
  /// network + resample + postprocess + write to the outputs `request` names. One case at a time per pipeline.
  CaseResult finish(PreparedCase& prepared, const CaseRequest& request, ProgressReporter& progress);
  /// prepare + finish.
  CaseResult run(const CaseRequest& request, ProgressReporter& progress);

  /// Labels of the last finished case (for in-process callers and tests).
  io::LabelImage::Pointer lastLabels() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Throws Unsupported naming `renderDirectory` (or a --preview file) when this build cannot write pictures and meshes
/// (built without VTK: SKIPSEG_WITH_VTK=OFF, as on GPU machines); does nothing otherwise.
void checkRenderingAvailable(const std::string& renderDirectory);

/// The sidecar path for a labels path: "<folder>/<name without image extension>.json".
std::string defaultSidecarPath(const std::string& labelsPath);

/// "none|per-label|foreground" -> LargestComponent; throws a usage error naming the value otherwise.
LargestComponent parseLargestComponent(const std::string& text);

}  // namespace skipseg::segmentation
