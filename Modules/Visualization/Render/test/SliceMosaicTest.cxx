#include "TestImages.h"

#include "skipseg/core/Error.h"
#include "skipseg/render/SliceMosaic.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPNGReader.h>

#include <gtest/gtest.h>

#include <cmath>

namespace {

using namespace skipseg::render;
using namespace skipseg::render::testing;

const std::vector<skipseg::LabelInfo> redAndBlue{{1, "left", {1, 0, 0}}, {2, "right", {0, 0, 1}}};

bool reddish(const std::array<std::uint8_t, 3>& rgb) {
  return rgb[0] > rgb[1] + 60 && rgb[0] > rgb[2] + 60;
}
bool bluish(const std::array<std::uint8_t, 3>& rgb) {
  return rgb[2] > rgb[0] + 60 && rgb[2] > rgb[1] + 60;
}

// Pixel of the mosaic where the world point `point` falls in panel `view`.
std::array<int, 2> pixelOf(const MosaicLayout& layout, int view, const std::array<double, 3>& point) {
  static const double axes[3][2][3] = {{{1, 0, 0}, {0, 1, 0}}, {{1, 0, 0}, {0, 0, -1}}, {{0, 1, 0}, {0, 0, -1}}};
  double u = 0, v = 0;
  for (int axis = 0; axis < 3; ++axis) {
    u += (point[axis] - layout.centre[axis]) * axes[view][0][axis];
    v += (point[axis] - layout.centre[axis]) * axes[view][1][axis];
  }
  return {layout.panelLeft[view] + static_cast<int>(std::floor((u - layout.panelStart[view][0]) / layout.pixelSize)),
          static_cast<int>(std::floor((v - layout.panelStart[view][1]) / layout.pixelSize))};
}

TEST(SliceMosaic, PanelSizesFollowThePhysicalExtent) {
  Grid grid;
  grid.size = {40, 30, 20};
  grid.spacing = {0.5, 1.0, 2.0};  // 20 x 30 x 40 mm; pixels of the finest spacing, 0.5 mm
  auto labels = makeLabelImage(grid);
  MosaicOptions voxelSized;
  voxelSized.minimumPanelSize = 0;
  const auto layout = mosaicLayout(*labels, voxelSized);
  EXPECT_DOUBLE_EQ(layout.pixelSize, 0.5);
  EXPECT_EQ(layout.panelSize[0], (std::array<int, 2>{40, 60}));  // axial: L-R x A-P
  EXPECT_EQ(layout.panelSize[1], (std::array<int, 2>{40, 80}));  // coronal: L-R x S-I
  EXPECT_EQ(layout.panelSize[2], (std::array<int, 2>{60, 80}));  // sagittal: A-P x S-I
  EXPECT_EQ(layout.width, 40 + 2 + 40 + 2 + 60);
  EXPECT_EQ(layout.height, 80);
  // Small scans get finer pixels: the largest panel is then at least minimumPanelSize pixels.
  const auto enlarged = mosaicLayout(*labels);
  EXPECT_DOUBLE_EQ(enlarged.pixelSize, 40.0 / 384);
  EXPECT_EQ(enlarged.height, 384);
  EXPECT_EQ(enlarged.panelSize[0], (std::array<int, 2>{192, 288}));
}

// Two balls, label 1 on the patient's left (+x in LPS) and label 2 on the right: on the axial and
// coronal panels label 1 must appear right of label 2 (radiological display), whatever the grid's axes.
void expectLabelsWhereTheyAre(const Grid& grid) {
  auto labels = makeLabelImage(grid);
  const auto centre = gridCentre(*labels);
  const std::array<double, 3> left{centre[0] + 6, centre[1] + 2, centre[2] - 3};
  const std::array<double, 3> right{centre[0] - 6, centre[1] + 2, centre[2] - 3};
  paintBall(*labels, left, 4, 1);
  paintBall(*labels, right, 4, 2);
  auto image = makeFloatImage(grid, 40.0f);  // soft-tissue grey: 0.5 in the W400/L40 window
  MosaicOptions options;
  options.window = WindowPreset::CtSoftTissue;
  const auto picture = renderSliceMosaic(*labels, image.GetPointer(), redAndBlue, options);
  const auto layout = mosaicLayout(*labels, options);
  ASSERT_EQ(picture.width, layout.width);
  ASSERT_EQ(picture.height, layout.height);
  for (int view = 0; view < 2; ++view) {
    const auto red = pixelOf(layout, view, left);
    const auto blue = pixelOf(layout, view, right);
    EXPECT_TRUE(reddish(picture.at(red[0], red[1]))) << "view " << view;
    EXPECT_TRUE(bluish(picture.at(blue[0], blue[1]))) << "view " << view;
    EXPECT_GT(red[0], blue[0]) << "patient's left must be on the picture's right";
  }
  // Away from the labels (9 mm anterior of them, inside the scan) the scan shows as mid grey.
  const auto away = pixelOf(layout, 0, {centre[0], centre[1] + 2 - 9, centre[2] - 3});
  const auto grey = picture.at(away[0], away[1]);
  EXPECT_NEAR(grey[0], 128, 2);
  EXPECT_EQ(grey[0], grey[2]);
}

TEST(SliceMosaic, LabelsAppearWhereTheyAreInWorldSpace) {
  Grid grid;
  grid.size = {40, 36, 30};
  grid.spacing = {0.8, 0.8, 1.2};
  expectLabelsWhereTheyAre(grid);
}

TEST(SliceMosaic, PermutedAndObliqueGridsShowTheSameAnatomy) {
  Grid grid;
  grid.size = {30, 40, 36};
  grid.spacing = {1.2, 0.8, 0.8};
  grid.direction = {0, -1, 0, 0, 0, 1, 1, 0, 0};  // i runs superior, j to the right, k posterior (mirrored)
  expectLabelsWhereTheyAre(grid);
  grid.direction = rotation({0.0, 0.6, 0.8}, 25.0);
  grid.size = {44, 44, 44};
  expectLabelsWhereTheyAre(grid);
}

TEST(SliceMosaic, WrittenPngHasTheMosaicSize) {
  Grid grid;
  grid.size = {24, 20, 16};
  auto labels = makeLabelImage(grid);
  paintBall(*labels, gridCentre(*labels), 5, 1);
  MosaicOptions voxelSized;
  voxelSized.minimumPanelSize = 0;
  const auto picture = renderSliceMosaic(*labels, nullptr, redAndBlue, voxelSized);
  skipseg::testing::TemporaryDirectory folder;
  writePng(picture, folder.file("slices.png"));
  vtkNew<vtkPNGReader> reader;
  reader->SetFileName(folder.file("slices.png").c_str());
  reader->Update();
  int dimensions[3];
  reader->GetOutput()->GetDimensions(dimensions);
  EXPECT_EQ(dimensions[0], picture.width);
  EXPECT_EQ(dimensions[1], picture.height);
  EXPECT_EQ(picture.width, 24 + 2 + 24 + 2 + 20);
  // Without a scan the label is drawn in its full colour on black; PNG rows run top-down.
  const auto layout = mosaicLayout(*labels, voxelSized);
  const auto centre = pixelOf(layout, 0, layout.centre);
  const auto* pixels = static_cast<const unsigned char*>(
      reader->GetOutput()->GetScalarPointer(centre[0], picture.height - 1 - centre[1], 0));
  EXPECT_EQ(pixels[0], 255);
  EXPECT_EQ(pixels[1], 0);
}

TEST(SliceMosaic, UnknownWindowPresetIsAUsageError) {
  EXPECT_EQ(parseWindowPreset("ct-lung"), WindowPreset::CtLung);
  EXPECT_THROW(parseWindowPreset("lung"), skipseg::Error);
}

}  // namespace
