#pragma once
// Everything needed to use a segmentation model apart from its weights: the preprocessing it
// expects, the layout of its tensors and the meaning of its outputs. One struct for every model
// source (SkipSeg model files, TorchScript with skipseg.json, nnU-Net imports); its JSON form is the
// `skipseg.json` of Documentation/ModelFormat.md. No Torch and no ITK here: both sides read it.
#include "skipseg/core/JsonFile.h"

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace skipseg {

/// Intensity normalisation applied before the network.
struct NormalizationSpec {
  enum class Scheme {
    None,    ///< values enter as stored
    ZScore,  ///< per image: (x - mean) / std over the image (or its non-zero region)
    Ct,      ///< clip to [clipLow, clipHigh], then (x - mean) / std with dataset statistics
    Scale,   ///< (x - aMin) / (aMax - aMin) * (bMax - bMin) + bMin, optionally clipped to [bMin, bMax]
  };
  Scheme scheme = Scheme::None;
  double clipLow = 0, clipHigh = 0, mean = 0, std = 1;  // Ct
  double aMin = 0, aMax = 1, bMin = 0, bMax = 1;        // Scale
  bool clip = false;                                    // Scale
  bool nonZeroRegionOnly = false;                       // ZScore: statistics and output over x != 0 only

  static NormalizationSpec fromJson(const Json& json, const std::string& source);
  Json toJson() const;
};

struct LabelInfo {
  int id = 0;
  std::string name;
  std::array<double, 3> color{{0.5, 0.5, 0.5}};  ///< RGB in [0, 1]
};

struct ModelDescription {
  int spatialDims = 3;  ///< 3: volumes; 2: applied slice by slice
  int inChannels = 1;
  /// "xyz": tensor spatial axes follow image i, j, k; "zyx": reversed (k, j, i), e.g. nnU-Net.
  std::string axisOrder = "xyz";
  /// Orientation code the model was trained in ("RAS", "LPS", ...); empty keeps the input's.
  std::string orientation;
  std::array<double, 3> spacing{{1, 1, 1}};      ///< mm, along image x, y, z (i, j, k after reorientation)
  std::vector<int> patchSize;                    ///< in the tensor's axis order; spatialDims entries
  std::vector<NormalizationSpec> normalization;  ///< one per input channel (one entry applies to all)
  std::string output = "logits";                 ///< "logits" or "probabilities"
  std::vector<LabelInfo> labels;                 ///< output channel c has label labels[c].id
  std::vector<int> mirrorAxes;                   ///< spatial tensor axes that test-time mirroring may flip
  /// Crop the scan to its non-zero bounding box before normalising and resampling (nnU-Net's
  /// preprocessing); the labels outside the box are background.
  bool cropToNonZero = false;
  /// Interpolation of the scan onto the model's grid: "bspline" (cubic, nnU-Net's order 3), "linear"
  /// or "nearest". Models that record none were made for B-splines.
  std::string interpolation = "bspline";
  std::string source;                ///< where it came from (file path), for logs and errors
  Json provenance = Json::object();  ///< trained on what, when, with which SkipSeg version

  int classCount() const { return static_cast<int>(labels.size()); }
  /// Reads the `skipseg-torchscript/1` keys (and SkipSeg's own extensions); errors name `source`.
  static ModelDescription fromJson(const Json& json, const std::string& source);
  Json toJson() const;
  /// Checks internal consistency (patch size count, labels present, ...); throws BadInput naming `source`.
  void validate() const;
};

/// A colour for label id `id` when the model gives none (a fixed, distinguishable palette).
std::array<double, 3> defaultLabelColor(int id);

}  // namespace skipseg
