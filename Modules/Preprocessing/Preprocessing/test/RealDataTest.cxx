// The shared example CT (3 mm) taken to a model's 1.5 mm grid and back, in world space.
#include <gtest/gtest.h>

#include <itkImageFileReader.h>
#include <itkNiftiImageIO.h>

#include "GridTestHelpers.h"
#include "skipseg/preprocessing/BackMapping.h"
#include "skipseg/preprocessing/Cropping.h"
#include "skipseg/preprocessing/Resampling.h"
#include "skipseg/testing/TestData.h"

namespace skipseg::preprocessing {
namespace {

using testing::centreOf;
using testing::distance;

template <typename TImage>
typename TImage::Pointer readNifti(const std::string& path) {
  auto reader = itk::ImageFileReader<TImage>::New();
  reader->SetImageIO(itk::NiftiImageIO::New());
  reader->SetFileName(path);
  reader->Update();
  return reader->GetOutput();
}

TEST(RealData, ExampleCtAtOnePointFiveMillimetresKeepsItsFieldOfView) {
  SKIPSEG_REQUIRE_SHARED_DATA(path, "totalsegmentator/example_ct.nii.gz");
  const auto ct = readNifti<FloatImage>(path);
  const ImageGeometry native = geometryOf(*ct);
  ResampleOptions options;
  options.interpolation = Interpolation::Linear;
  const auto resampled = resampleToSpacing(*ct, {{1.5, 1.5, 1.5}}, options);
  const ImageGeometry grid = geometryOf(*resampled);
  EXPECT_EQ(grid.size, (std::array<std::size_t, 3>{{244, 202, 224}}));  // the model grid
  EXPECT_EQ(grid.direction, native.direction);
  // Same outer corners of the field of view.
  EXPECT_LT(distance(centreOf(grid, -0.5, -0.5, -0.5), centreOf(native, -0.5, -0.5, -0.5)), 1e-6);
  EXPECT_LT(distance(centreOf(grid, 243.5, 201.5, 223.5), centreOf(native, 121.5, 100.5, 111.5)), 1e-6);
  // Model voxel m lies at native continuous index m / 2 - 0.25: model (121, 100, 112) is native
  // (60.25, 49.75, 55.75), a blend of eight native voxels with weights 3/4 and 1/4 per axis.
  const auto at = [](const FloatImage& image, long i, long j, long k) { return image.GetPixel({{i, j, k}}); };
  double trilinear = 0;
  for (int dj : {0, 1}) {
    for (int dk : {0, 1}) {
      const double weight = (dj ? 0.75 : 0.25) * (dk ? 0.75 : 0.25);
      trilinear += weight * (0.75 * at(*ct, 60, 49 + dj, 55 + dk) + 0.25 * at(*ct, 61, 49 + dj, 55 + dk));
    }
  }
  EXPECT_NEAR(at(*resampled, 121, 100, 112), trilinear, 1e-2);
}

TEST(RealData, LabelsThroughTheModelGridComeBackExactly) {
  SKIPSEG_REQUIRE_SHARED_DATA(path, "totalsegmentator/example_seg_fast_force_split.nii.gz");
  auto labels = readNifti<LabelImage>(path);
  const ImageGeometry native = geometryOf(*labels);
  // Five classes: background, spleen, right and left kidney, liver; the rest becomes background.
  const std::vector<LabelValue> ids{0, 1, 2, 3, 5};
  LabelValue* values = labels->GetBufferPointer();
  for (std::size_t voxel = 0; voxel < native.voxelCount(); ++voxel) {
    if (std::find(ids.begin(), ids.end(), values[voxel]) == ids.end()) {
      values[voxel] = 0;
    }
  }
  // Crop to the labelled box, resample to the model's 1.5 mm, one-hot scores there.
  auto asFloat = makeFloatImage(native);
  std::copy_n(values, native.voxelCount(), asFloat->GetBufferPointer());
  const CropRegion region = nonZeroRegion(*asFloat, {std::nullopt, 2});
  const auto modelLabels = resampleLabelsToSpacing(*crop(*labels, region), {{1.5, 1.5, 1.5}});
  VoxelBuffer scores(geometryOf(*modelLabels), ids.size(), 0.0f);
  for (std::size_t voxel = 0; voxel < scores.geometry.voxelCount(); ++voxel) {
    const auto channel = std::find(ids.begin(), ids.end(), modelLabels->GetBufferPointer()[voxel]) - ids.begin();
    scores.channel(static_cast<std::size_t>(channel))[voxel] = 1.0f;
  }
  // Native voxel i lies halfway between model voxels 2i and 2i+1, which both took its label.
  const auto back = mapScoresToNativeLabels(scores, native, ids);
  EXPECT_TRUE(geometryOf(*back).sameGrid(native, 0.0));
  std::size_t different = 0;
  std::size_t liver = 0;
  for (std::size_t voxel = 0; voxel < native.voxelCount(); ++voxel) {
    different += back->GetBufferPointer()[voxel] != values[voxel] ? 1 : 0;
    liver += back->GetBufferPointer()[voxel] == 5 ? 1 : 0;
  }
  EXPECT_EQ(different, 0u);
  EXPECT_EQ(liver, 41692u);  // the data's documented liver volume in voxels
}

}  // namespace
}  // namespace skipseg::preprocessing
