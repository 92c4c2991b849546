// Training and inference prepare a scan identically: a real case as skipseg-train cached it for
// training equals, voxel for voxel and on the same grid, what skipseg-segment's pipeline feeds the
// network for the same scan and the model that training wrote (issue 12, section 1).
#include "skipseg/core/JsonFile.h"
#include "skipseg/core/Progress.h"
#include "skipseg/core/StageTimer.h"
#include "skipseg/io/Orientation.h"
#include "skipseg/model/SkipSegModelFile.h"
#include "skipseg/planning/Fingerprint.h"
#include "skipseg/planning/Plans.h"
#include "skipseg/programs/TrainProgram.h"
#include "skipseg/segmentation/ModelGridPreprocessing.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"
#include "skipseg/training/TrainingCase.h"

#include <gtest/gtest.h>

#include <fstream>

namespace skipseg::programs {
namespace {

struct ParityCase {
  const char* image;              ///< under the shared data folder
  const char* label;              ///< its labels
  const char* channel;            ///< "CT" (CT normalisation from the plans' statistics) or "MR" (z-score)
  const char* configuration;      ///< "3d_fullres" or "2d"
  std::array<double, 3> spacing;  ///< the plans' target spacing (x y z mm): unlike the scan's, so resampling works
  bool cropped;                   ///< whether the scan has a zero border to crop
};

std::ostream& operator<<(std::ostream& out, const ParityCase& parity) {
  return out << parity.image << " " << parity.configuration;
}

class TrainingInferenceParity : public ::testing::TestWithParam<ParityCase> {};

TEST_P(TrainingInferenceParity, CachedTrainingCaseEqualsWhatInferenceFeedsTheNetwork) {
  const ParityCase& parity = GetParam();
  SKIPSEG_REQUIRE_SHARED_DATA(image, parity.image);
  SKIPSEG_REQUIRE_SHARED_DATA(label, parity.label);
  skipseg::testing::TemporaryDirectory folder;
  {
    std::ofstream(folder.file("dataset.csv"))
        << "case," << parity.channel << ",label\nscan," << image << "," << label << "\n";
  }

  // Plan and train as a user would (a tiny network, one iteration: only the preprocessing matters here).
  planning::Dataset dataset = planning::readDataset(folder.file("dataset.csv"));
  planning::checkDataset(dataset);
  planning::PlanOptions planOptions;
  planOptions.baseFeatures = 4;
  planOptions.maxFeatures = 8;
  planOptions.maxPatchEdge = 16;
  planOptions.spacing = parity.spacing;
  writeJsonFile(
      folder.file("plans.json"),
      planning::makePlans(dataset, planning::computeFingerprint(dataset, 1, 2000, silentProgress()), planOptions));
  const std::string output = folder.file("run");
  ASSERT_EQ(trainMain({folder.file("plans.json"),
                       "--output",
                       output,
                       "--configuration",
                       parity.configuration,
                       "--network",
                       "unet",
                       "--epochs",
                       "1",
                       "--iterations",
                       "1",
                       "--validation-iterations",
                       "1",
                       "--batch-size",
                       "1",
                       "--threads",
                       "0",
                       "--device",
                       "cpu",
                       "--log-level",
                       "warning"}),
            0);

  // The model records every choice the preprocessor made.
  const auto networks = model::readSkipSegModel(output + "/model.ssm");
  ASSERT_EQ(networks.size(), 1u);
  const ModelDescription& model = networks[0].description;
  const auto configuration =
      planning::configurationFromPlans(readJsonFile(folder.file("plans.json")), parity.configuration, "plans");
  EXPECT_TRUE(model.cropToNonZero);
  EXPECT_EQ(model.interpolation, "bspline");
  EXPECT_EQ(model.spacing, configuration.spacing);
  EXPECT_EQ(model.spatialDims, configuration.spatialDims);
  ASSERT_EQ(model.normalization.size(), 1u);
  EXPECT_EQ(model.normalization[0].toJson(), configuration.normalization.at(0).toJson());
  EXPECT_EQ(model.normalization[0].scheme,
            std::string(parity.channel) == "CT" ? NormalizationSpec::Scheme::Ct : NormalizationSpec::Scheme::ZScore);

  // What inference feeds the network for this scan and model ...
  StageTimer timer;
  const auto inference = segmentation::prepareModelGridInput({image}, {}, model, "", false, timer);
  EXPECT_EQ(model.orientation, io::orientationCode(inference.nativeGeometry));
  EXPECT_EQ(inference.cropped, parity.cropped);
  // ... is the cached training case, on the same grid, bit for bit.
  const auto cached = training::readCachedCase(output + "/cache/" + parity.configuration, "scan");
  ASSERT_TRUE(cached.geometry.sameGrid(inference.modelGrid, 1e-9))
      << cached.geometry.describe() << " vs " << inference.modelGrid.describe();
  EXPECT_EQ(cached.geometry.size, inference.modelGrid.size);
  if (model.spatialDims == 2) {
    EXPECT_NEAR(inference.modelGrid.spacing[2], inference.nativeGeometry.spacing[2], 1e-9);  // slices as scanned
  } else {
    EXPECT_NEAR(inference.modelGrid.spacing[2], parity.spacing[2], 0.5 * parity.spacing[2] / 10);
  }
  ASSERT_EQ(cached.image.size(), inference.voxels.values.size());
  std::size_t differing = 0;
  for (std::size_t v = 0; v < cached.image.size(); ++v) {
    differing += cached.image[v] != inference.voxels.values[v] ? 1 : 0;
  }
  EXPECT_EQ(differing, 0u) << "of " << cached.image.size() << " voxels";
}

INSTANTIATE_TEST_SUITE_P(
    RealScans, TrainingInferenceParity,
    ::testing::Values(
        // CT, clipped and standardised with the plans' foreground statistics.
        ParityCase{"totalsegmentator/example_ct_sm.nii.gz",
                   "totalsegmentator/example_seg.nii.gz",
                   "CT",
                   "3d_fullres",
                   {{2.5, 2.5, 4.0}},
                   false},
        // Anisotropic MR (0.78 x 0.78 x 6.5 mm, a negative y step; zero columns at both sides, cropped): z-score,
        // two-pass resampling.
        ParityCase{"pyradiomics/brain2_image.nrrd",
                   "pyradiomics/brain2_label.nrrd",
                   "MR",
                   "3d_fullres",
                   {{1.5, 1.5, 5.0}},
                   true},
        // 2D: the spacing across slices stays as scanned in training as at inference.
        ParityCase{
            "pyradiomics/brain2_image.nrrd", "pyradiomics/brain2_label.nrrd", "MR", "2d", {{1.5, 1.5, 5.0}}, true}));

}  // namespace
}  // namespace skipseg::programs
