#include "SphereImages.h"

#include "skipseg/core/JsonFile.h"
#include "skipseg/evaluation/LabelStatistics.h"
#include "skipseg/evaluation/LabelTable.h"
#include "skipseg/testing/TestData.h"

#include <itkCastImageFilter.h>
#include <itkImageFileReader.h>
#include <itkNiftiImageIOFactory.h>

#include <gtest/gtest.h>

namespace {

using namespace skipseg::evaluation;
using namespace skipseg::evaluation::testing;

TEST(LabelStatistics, VolumeAndIntensityFiguresOfKnownValues) {
  Grid grid;
  grid.size = {10, 10, 10};
  grid.spacing = {0.5, 2.0, 3.0};  // 3 mm3 voxels
  auto labels = makeLabelImage(grid);
  auto image = makeFloatImage(grid, -5.0f);
  // Label 2 on the 100 voxels of slice k = 4, holding intensities 1..100.
  float value = 1.0f;
  for (unsigned j = 0; j < 10; ++j) {
    for (unsigned i = 0; i < 10; ++i) {
      labels->SetPixel({{i, j, 4}}, 2);
      image->SetPixel({{i, j, 4}}, value);
      value += 1.0f;
    }
  }
  const auto statistics = labelStatistics(*labels, *image, {2, 9});
  ASSERT_EQ(statistics.size(), 2u);
  const auto& s = statistics[0];
  EXPECT_EQ(s.label, 2);
  EXPECT_EQ(s.voxels, 100u);
  EXPECT_DOUBLE_EQ(s.volume, 300.0);
  EXPECT_DOUBLE_EQ(s.mean, 50.5);
  EXPECT_NEAR(s.std, std::sqrt((100.0 * 100.0 - 1.0) / 12.0), 1e-9);  // population std of 1..n
  EXPECT_DOUBLE_EQ(s.minimum, 1.0);
  EXPECT_DOUBLE_EQ(s.maximum, 100.0);
  EXPECT_DOUBLE_EQ(s.median, 50.5);
  EXPECT_DOUBLE_EQ(s.p5, 5.95);  // NumPy: 1 + 0.05 * 99
  EXPECT_DOUBLE_EQ(s.p95, 95.05);
  // An absent label: volume 0 and intensity 0 (TotalSegmentator's convention).
  EXPECT_EQ(statistics[1].voxels, 0u);
  EXPECT_EQ(statistics[1].volume, 0.0);
  EXPECT_EQ(statistics[1].mean, 0.0);
}

TEST(LabelStatistics, RefusesImagesOnDifferentGrids) {
  Grid grid;
  grid.size = {10, 10, 10};
  auto labels = makeLabelImage(grid);
  grid.spacing = {1, 1, 1.5};
  auto image = makeFloatImage(grid);
  EXPECT_THROW(labelStatistics(*labels, *image), std::invalid_argument);
}

template <typename Image>
typename Image::Pointer readNifti(const std::string& path) {
  itk::NiftiImageIOFactory::RegisterOneFactory();
  auto reader = itk::ImageFileReader<Image>::New();
  reader->SetFileName(path);
  reader->Update();
  return reader->GetOutput();
}

TEST(LabelStatistics, ReproducesTotalSegmentatorStatistics) {
  SKIPSEG_REQUIRE_SHARED_DATA(ctPath, "totalsegmentator/example_ct_sm.nii.gz");
  SKIPSEG_REQUIRE_SHARED_DATA(segPath, "totalsegmentator/example_seg_fast.nii.gz");
  SKIPSEG_REQUIRE_SHARED_DATA(namesPath, "totalsegmentator/labels_total_v2.json");
  SKIPSEG_REQUIRE_SHARED_DATA(referencePath, "totalsegmentator/example_seg_fast/statistics.json");
  const auto image = readNifti<FloatImage>(ctPath);
  const auto labels = readNifti<LabelImage>(segPath);
  const auto table = readLabelTable(namesPath);
  std::vector<int> ids;
  for (const auto& info : table) {
    ids.push_back(info.id);
  }
  const auto statistics = labelStatistics(*labels, *image, ids);
  const skipseg::Json reference = skipseg::readJsonFile(referencePath);
  ASSERT_EQ(reference.size(), statistics.size());
  int present = 0;
  for (const auto& s : statistics) {
    const std::string name = labelName(table, s.label);
    ASSERT_TRUE(reference.contains(name)) << name;
    // TotalSegmentator rounds to 5 decimals.
    EXPECT_NEAR(s.volume, reference[name]["volume"].get<double>(), 1e-3) << name;
    EXPECT_NEAR(s.mean, reference[name]["intensity"].get<double>(), 1e-4) << name;
    present += s.voxels > 0 ? 1 : 0;
  }
  EXPECT_GT(present, 20);
}

}  // namespace
