// The labels land on the right voxels in world space, whatever the scan's storage order.
//
// The models (Data/Testing/*.pt, made by Testing/Data/make_geometry_models.py) label a voxel 1 where
// the intensity increases along the tensor's first spatial axis. For the RAS/xyz model that axis points
// to the patient's Right, for the LPS/zyx model to Superior. The phantom's intensity increases toward
// that direction in one half of the field of view (A) and decreases in the other (B), on an oblique,
// anisotropic scan; only a pipeline that reorients, orders axes, resamples and maps back correctly
// returns label 1 exactly on half A.
#include "skipseg/io/Geometry.h"
#include "skipseg/io/ImageWriter.h"
#include "skipseg/segmentation/SegmentationPipeline.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <gtest/gtest.h>
#include <itkImageRegionIteratorWithIndex.h>

#include <cmath>
#include <functional>

namespace {

using skipseg::io::FloatImage;
using skipseg::io::LabelImage;
using World = std::array<double, 3>;

// 48 x 40 x 18 voxels at 0.9 x 1.1 x 2.5 mm, rotated 25 degrees about the LPS z axis and 10 about x.
FloatImage::Pointer obliquePhantom(const std::function<float(const World&)>& intensity) {
  auto image = FloatImage::New();
  FloatImage::SizeType size{{48, 40, 18}};
  image->SetRegions(FloatImage::RegionType(size));
  FloatImage::SpacingType spacing;
  spacing[0] = 0.9;
  spacing[1] = 1.1;
  spacing[2] = 2.5;
  image->SetSpacing(spacing);
  FloatImage::PointType origin;
  origin[0] = -12.0;
  origin[1] = 30.0;
  origin[2] = -40.0;
  image->SetOrigin(origin);
  const double a = 25.0 * M_PI / 180.0;
  const double b = 10.0 * M_PI / 180.0;
  // Rz(a) * Rx(b): columns are the i, j, k axis directions.
  FloatImage::DirectionType direction;
  const double rz[3][3] = {{std::cos(a), -std::sin(a), 0}, {std::sin(a), std::cos(a), 0}, {0, 0, 1}};
  const double rx[3][3] = {{1, 0, 0}, {0, std::cos(b), -std::sin(b)}, {0, std::sin(b), std::cos(b)}};
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) {
      double sum = 0;
      for (int k = 0; k < 3; ++k) {
        sum += rz[r][k] * rx[k][c];
      }
      direction(r, c) = sum;
    }
  }
  image->SetDirection(direction);
  image->Allocate();
  itk::ImageRegionIteratorWithIndex<FloatImage> it(image, image->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    FloatImage::PointType point;
    image->TransformIndexToPhysicalPoint(it.GetIndex(), point);
    it.Set(intensity({point[0], point[1], point[2]}));
  }
  return image;
}

World centreOf(const FloatImage* image) {
  const auto size = image->GetLargestPossibleRegion().GetSize();
  itk::ContinuousIndex<double, 3> middle;
  for (int axis = 0; axis < 3; ++axis) {
    middle[axis] = (static_cast<double>(size[axis]) - 1.0) / 2.0;
  }
  FloatImage::PointType point;
  image->TransformContinuousIndexToPhysicalPoint(middle, point);
  return {point[0], point[1], point[2]};
}

struct Outcome {
  std::size_t checked = 0;
  std::size_t wrong = 0;
};

// Half A: world y (LPS, toward Posterior) below the centre's. Voxels within `margin` mm of the
// boundary between the halves, or within 4 voxels of the scan's faces (where derivatives are cut), are not judged.
Outcome judge(const LabelImage* labels, const World& centre, double margin) {
  Outcome outcome;
  const auto size = labels->GetLargestPossibleRegion().GetSize();
  itk::ImageRegionConstIteratorWithIndex<LabelImage> it(labels, labels->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    const auto index = it.GetIndex();
    bool nearFace = false;
    for (int axis = 0; axis < 3; ++axis) {
      const long border = axis == 2 ? 2 : 4;
      nearFace = nearFace || index[axis] < border || index[axis] >= static_cast<long>(size[axis]) - border;
    }
    LabelImage::PointType point;
    labels->TransformIndexToPhysicalPoint(index, point);
    const double offset = point[1] - centre[1];
    if (nearFace || std::abs(offset) < margin) {
      continue;
    }
    const unsigned expected = offset < 0 ? 1u : 0u;
    ++outcome.checked;
    outcome.wrong += it.Get() != expected ? 1 : 0;
  }
  return outcome;
}

skipseg::segmentation::PipelineOptions cpuOptions() {
  skipseg::segmentation::PipelineOptions options;
  options.inference.device = "cpu";
  options.inference.threads = 1;
  options.interpolation = "linear";
  return options;
}

void expectLabelsOnHalfA(const std::string& model, const std::function<float(const World&, bool)>& intensityOfHalf) {
  skipseg::testing::TemporaryDirectory folder;
  // First pass with a placeholder centre: the phantom's centre does not depend on its intensities.
  const World centre = centreOf(obliquePhantom([](const World&) { return 0.0f; }).GetPointer());
  auto phantom = obliquePhantom([&](const World& p) { return intensityOfHalf(p, p[1] - centre[1] < 0); });
  skipseg::io::writeImage(phantom.GetPointer(), folder.file("phantom.nii.gz"));

  skipseg::segmentation::SegmentationPipeline pipeline({skipseg::testing::sourcePath(model)}, cpuOptions());
  skipseg::segmentation::CaseRequest request;
  request.inputs = {folder.file("phantom.nii.gz")};
  request.outputLabels = folder.file("labels.nii.gz");
  pipeline.run(request, skipseg::silentProgress());

  auto labels = pipeline.lastLabels();
  ASSERT_TRUE(labels);
  // The labels lie exactly on the scan.
  EXPECT_TRUE(
      skipseg::io::geometryOf(labels.GetPointer()).sameGrid(skipseg::io::geometryOf(phantom.GetPointer()), 1e-6));
  const Outcome outcome = judge(labels.GetPointer(), centre, 6.0);
  EXPECT_GT(outcome.checked, 10000u);
  EXPECT_EQ(outcome.wrong, 0u) << "of " << outcome.checked << " judged voxels";
}

TEST(PipelineGeometry, RasXyzModelLabelsWhereIntensityIncreasesTowardRight) {
  // LPS x grows toward the patient's Left: increasing toward Right means -x.
  expectLabelsOnHalfA("Data/Testing/derivative_ras_xyz.pt",
                      [](const World& p, bool halfA) { return static_cast<float>(halfA ? -p[0] : p[0]); });
}

TEST(PipelineGeometry, LpsZyxModelLabelsWhereIntensityIncreasesTowardSuperior) {
  expectLabelsOnHalfA("Data/Testing/derivative_lps_zyx.pt",
                      [](const World& p, bool halfA) { return static_cast<float>(halfA ? p[2] : -p[2]); });
}

TEST(PipelineGeometry, TwoDimensionalModelRunsSliceBySlice) {
  expectLabelsOnHalfA("Data/Testing/derivative_2d_xyz.pt",
                      [](const World& p, bool halfA) { return static_cast<float>(halfA ? -p[0] : p[0]); });
}

}  // namespace
