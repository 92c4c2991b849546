#pragma once
// Label names and colours from a file, for reports and pictures. Accepted forms:
// - a JSON object mapping ids to names, {"1": "spleen", ...} (TotalSegmentator's labels_total_v2.json);
// - a skipseg.json model description: its "labels" object, {"1": {"name": .., "color": [r, g, b]}} or {"1": "name"};
// - a SkipSeg model (.ssm), a TorchScript model with skipseg.json, an nnU-Net results folder or dataset.json;
// - a skipseg-segment sidecar or a skipseg-batch summary (the labels of their model);
// - a colour table, one label per line "id name r g b [a]" with 0-255 components (3D Slicer's .ctbl
//   and .txt colour tables); lines starting with '#' are comments.
// Labels without a colour get defaultLabelColor(id). Background (0) is dropped.
#include "skipseg/core/ModelDescription.h"

#include <string>
#include <vector>

namespace skipseg::evaluation {

/// Reads a label table; throws BadInput naming `path` and the problem (line number for colour tables).
/// JSON forms: {"labels": {"1": "liver"}} or {"1": {"name": ..., "color": [r, g, b]}} (ids to names),
/// nnU-Net's dataset.json ({"labels": {"liver": 1}}, names to ids), a skipseg-segment sidecar (its
/// model's labels) and a skipseg-batch summary (the labels of the model it names). Models: a SkipSeg
/// .ssm or TorchScript .pt file (the description inside, read without LibTorch, ModelArchive.h) and an
/// nnU-Net results folder (its dataset.json). Otherwise a colour table: "id name red green blue [alpha]"
/// per line (3D Slicer's).
std::vector<LabelInfo> readLabelTable(const std::string& path);

/// Where skipseg-segment puts the sidecar of a label file: "case.nii.gz" -> "case.json".
std::string sidecarPathBeside(const std::string& labelsPath);

/// The names in the skipseg-segment sidecar beside a label file ("case.nii.gz" -> "case.json"), or
/// an empty table when there is none (or it is not a sidecar).
std::vector<LabelInfo> labelTableBeside(const std::string& labelsPath);

/// The name of `label` in `table`, or "label_<id>" when the table does not name it.
std::string labelName(const std::vector<LabelInfo>& table, int label);

}  // namespace skipseg::evaluation
