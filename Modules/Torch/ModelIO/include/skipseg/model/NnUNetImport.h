#pragma once
// Import of nnU-Net v2 trained-model folders (nnUNet_results/DatasetXXX/<trainer>__<plans>__<configuration>/:
// dataset.json, plans.json, fold_N/checkpoint_final.pth) without Python: the network is rebuilt
// from plans.json as nnU-Net's get_network_from_plans does (new "architecture" entries and the older
// UNet_class_name keys), the checkpoint's network_weights are loaded strictly (every key used, every
// shape checked; the duplicated decoder.encoder.* and all_modules.* entries are checked equal to the
// tensors they repeat), and the preprocessing of the plans becomes the ModelDescription:
// axis_order "zyx" (nnU-Net's D0, D1, D2 are the file's k, j, i), no reorientation, spacing reversed
// into x, y, z, CTNormalization as clip + (x - mean) / std from the dataset fingerprint,
// ZScoreNormalization (on the non-zero region when use_mask_for_norm), labels from dataset.json and
// the mirror axes that the trainer allowed.
#include "skipseg/core/ModelDescription.h"
#include "skipseg/model/SegmentationModel.h"
#include "skipseg/nn/SegmentationNetwork.h"

#include <memory>
#include <string>
#include <vector>

namespace skipseg::model {

struct ImportedNetwork {
  std::shared_ptr<nn::SegmentationNetwork> network;  ///< weights loaded, eval mode, CPU float32
  ModelDescription description;
  std::string name;  ///< "fold_0", "fold_all"
};

/// One entry per fold (options.folds, or every fold_N / fold_all folder holding options.checkpointName).
/// Errors are one line naming the file: BadInput (missing plans.json / dataset.json / fold / checkpoint,
/// a corrupt checkpoint, weights that do not match the plans) or Unsupported (region-based training,
/// a network class other than PlainConvUNet / ResidualEncoderUNet, a non-identity transpose_forward).
std::vector<ImportedNetwork> importNnUNetFolder(const std::string& folder, const LoadOptions& options = {});

/// The SkipSeg network configuration ("nnunet" / "nnunet_resenc") that plans.json describes for
/// `configuration`; `plansPath` names the file in errors.
Json nnUNetNetworkConfiguration(const Json& plans, const Json& datasetJson, const std::string& configuration,
                                const std::string& plansPath);

}  // namespace skipseg::model
