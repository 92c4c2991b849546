#include "TestImages.h"

#include "skipseg/render/AnnotatedPictures.h"
#include "skipseg/render/RenderSegmentation.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPNGReader.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace {

using namespace skipseg::render;
using namespace skipseg::render::testing;

// Pixels in `box` that differ from `background`.
int inkIn(const RgbPicture& picture, const PixelBox& box, const Rgb& background = {{0, 0, 0}}) {
  int ink = 0;
  for (int y = std::max(0, box.y); y < std::min(picture.height, box.bottom()); ++y) {
    for (int x = std::max(0, box.x); x < std::min(picture.width, box.right()); ++x) {
      ink += picture.at(x, y) != background ? 1 : 0;
    }
  }
  return ink;
}

bool everyPixelIs(const RgbPicture& picture, const PixelBox& box, const Rgb& colour) {
  for (int y = box.y; y < box.bottom(); ++y) {
    for (int x = box.x; x < box.right(); ++x) {
      if (picture.at(x, y) != colour) {
        return false;
      }
    }
  }
  return box.width > 0 && box.height > 0;
}

const FigureMarker* findMarker(const Figure& figure, const std::string& text, int occurrence = 0) {
  for (const auto& marker : figure.layout.markers) {
    if (marker.text == text && occurrence-- == 0) {
      return &marker;
    }
  }
  return nullptr;
}

// Two balls, labels 1 and 2, on a 1 mm grid, over a CT-like scan (air).
struct TwoBalls {
  LabelImage::Pointer labels;
  FloatImage::Pointer image;
  TwoBalls() {
    Grid grid;
    labels = makeLabelImage(grid);
    const auto centre = gridCentre(*labels);
    paintBall(*labels, {centre[0] - 8, centre[1], centre[2]}, 5, 1);
    paintBall(*labels, {centre[0] + 8, centre[1], centre[2]}, 4, 2);
    image = makeFloatImage(grid, -1000.0f);
  }
};

const std::vector<skipseg::LabelInfo> liverAndSpleen{{1, "liver", {0.8, 0.2, 0.2}}, {2, "spleen", {0.2, 0.4, 0.9}}};

TEST(PictureText, DrawsInkInsideTheMeasuredBoxOnly) {
  RgbPicture picture = blankPicture(200, 60, {{0, 0, 0}});
  const TextStyle style{16, true, {{255, 255, 255}}, false};
  const PixelBox box = drawText(picture, 20, 10, "Axial R", style);
  EXPECT_EQ(box.width, measureText("Axial R", style).width);
  EXPECT_GT(box.width, 30);
  EXPECT_GT(inkIn(picture, box), 40);
  EXPECT_EQ(inkIn(picture, {0, 0, 200, 60}), inkIn(picture, box));  // nothing outside the box
  EXPECT_EQ(measureText("", style).width, 0);
}

TEST(SliceMosaicFigure, EveryPanelNamesThePatientDirectionAtEachEdge) {
  // Radiological convention, derived from the axes each panel is cut along.
  const ViewMarkers axial = mosaicViewMarkers(0), coronal = mosaicViewMarkers(1), sagittal = mosaicViewMarkers(2);
  EXPECT_EQ(axial.name + axial.left + axial.right + axial.top + axial.bottom, "AxialRLAP");
  EXPECT_EQ(coronal.name + coronal.left + coronal.right + coronal.top + coronal.bottom, "CoronalRLSI");
  EXPECT_EQ(sagittal.name + sagittal.left + sagittal.right + sagittal.top + sagittal.bottom, "SagittalAPSI");

  TwoBalls scan;
  const Figure figure = sliceMosaicFigure(*scan.labels, scan.image.GetPointer(), liverAndSpleen, {}, "scan ct.nii.gz");
  const MosaicLayout layout = mosaicLayout(*scan.labels);
  const PixelBox& body = figure.layout.body;
  // 3 panels x (4 letters + a name).
  ASSERT_EQ(figure.layout.markers.size(), 15u);
  for (int view = 0; view < 3; ++view) {
    const ViewMarkers names = mosaicViewMarkers(view);
    const int panelLeft = body.x + layout.panelLeft[view], panelRight = panelLeft + layout.panelSize[view][0];
    const FigureMarker* left = findMarker(figure, names.left, view == 2 ? 1 : view);  // "A" is also axial's top
    const FigureMarker* right = findMarker(figure, names.right, view == 2 ? 1 : view);
    ASSERT_NE(left, nullptr);
    ASSERT_NE(right, nullptr);
    // Each letter lies in its panel, on the side it names, and is drawn (light pixels in its box).
    EXPECT_GE(left->box.x, panelLeft);
    EXPECT_LT(left->box.right(), panelLeft + layout.panelSize[view][0] / 4);
    EXPECT_GT(right->box.x, panelRight - layout.panelSize[view][0] / 4);
    EXPECT_LE(right->box.right(), panelRight);
    for (const auto* marker : {left, right}) {
      int white = 0;
      for (int y = marker->box.y; y < marker->box.bottom(); ++y) {
        for (int x = marker->box.x; x < marker->box.right(); ++x) {
          white += figure.picture.at(x, y) == Rgb{{255, 255, 255}} ? 1 : 0;
        }
      }
      EXPECT_GT(white, 5) << names.name << " " << marker->text;
    }
  }
}

TEST(SliceMosaicFigure, LegendShowsEachLabelInItsColourWithNameAndVolume) {
  TwoBalls scan;
  const Figure figure = sliceMosaicFigure(*scan.labels, scan.image.GetPointer(), liverAndSpleen, {}, "scan ct.nii.gz");
  ASSERT_EQ(figure.layout.swatches.size(), 2u);
  EXPECT_TRUE(everyPixelIs(figure.picture, figure.layout.swatches[0], {{204, 51, 51}}));
  EXPECT_TRUE(everyPixelIs(figure.picture, figure.layout.swatches[1], {{51, 102, 230}}));
  for (const auto& text : figure.layout.legendTexts) {
    EXPECT_GT(inkIn(figure.picture, text), 50);
  }
  const auto legend = labelLegend(*scan.labels, liverAndSpleen);
  ASSERT_EQ(legend.size(), 2u);
  EXPECT_EQ(legend[0].name, "liver");
  // Voxels of 1 mm^3: the volume is the count of voxels / 1000.
  int liverVoxels = 0;
  for (std::size_t index = 0; index < scan.labels->GetLargestPossibleRegion().GetNumberOfPixels(); ++index) {
    liverVoxels += scan.labels->GetBufferPointer()[index] == 1 ? 1 : 0;
  }
  char expected[32];
  std::snprintf(expected, sizeof expected, "%.1f mL", liverVoxels / 1000.0);
  EXPECT_GT(liverVoxels, 400);
  EXPECT_EQ(legend[0].note, expected);
  // A label missing from the table still has an entry, with its default colour and name.
  const auto unnamed = labelLegend(*scan.labels, {});
  EXPECT_EQ(unnamed[1].name, "label_2");
  EXPECT_EQ(unnamed[1].colour, skipseg::defaultLabelColor(2));
  EXPECT_GT(inkIn(figure.picture, figure.layout.title), 100);
}

TEST(SliceMosaicFigure, NamedStructuresThatAreAbsentAreSaidToBeAbsent) {
  TwoBalls scan;
  auto table = liverAndSpleen;
  table.push_back({7, "pancreas", {0.9, 0.8, 0.1}});
  const Figure figure = sliceMosaicFigure(*scan.labels, scan.image.GetPointer(), table);
  ASSERT_EQ(figure.layout.swatches.size(), 2u);  // only what is there has a legend entry
  ASSERT_EQ(figure.layout.notes.size(), 3u);     // convention, window, absent structures
  EXPECT_GT(inkIn(figure.picture, figure.layout.notes[2]), 50);
  const Figure complete = sliceMosaicFigure(*scan.labels, scan.image.GetPointer(), liverAndSpleen);
  EXPECT_EQ(complete.layout.notes.size(), 2u);
}

TEST(SliceMosaicFigure, ScaleBarIsAsLongAsItSays) {
  TwoBalls scan;
  const Figure figure = sliceMosaicFigure(*scan.labels, scan.image.GetPointer(), liverAndSpleen);
  const MosaicLayout layout = mosaicLayout(*scan.labels);
  ASSERT_GT(figure.layout.scaleBarMillimetres, 0);
  EXPECT_NEAR(figure.layout.scaleBar.width * layout.pixelSize, figure.layout.scaleBarMillimetres, layout.pixelSize);
  EXPECT_TRUE(everyPixelIs(figure.picture, figure.layout.scaleBar, kFigureText));
  EXPECT_GT(inkIn(figure.picture, figure.layout.scaleText), 30);
  EXPECT_DOUBLE_EQ(scaleBarLength(0.5, 100), 50.0);
  EXPECT_DOUBLE_EQ(scaleBarLength(0.5, 90), 20.0);
  EXPECT_DOUBLE_EQ(scaleBarLength(0.1, 150), 10.0);
  EXPECT_DOUBLE_EQ(scaleBarLength(0, 150), 0.0);
}

TEST(SurfaceFigure, FrontViewHasLettersLegendAndAScaleOfItsParallelProjection) {
  TwoBalls scan;
  std::vector<ColouredMesh> meshes{{labelSurface(*scan.labels, 1), {0.8, 0.2, 0.2}},
                                   {labelSurface(*scan.labels, 2), {0.2, 0.4, 0.9}}};
  SurfaceRenderOptions options;
  options.width = options.height = 300;
  const Figure figure = surfaceFigure(meshes, labelLegend(*scan.labels, liverAndSpleen), options, "labels x.nii.gz");
  for (const char* letter : {"R", "L", "S", "I", "Front view"}) {
    EXPECT_NE(findMarker(figure, letter), nullptr) << letter;
  }
  EXPECT_LT(findMarker(figure, "R")->box.x, findMarker(figure, "L")->box.x);
  EXPECT_LT(findMarker(figure, "S")->box.y, findMarker(figure, "I")->box.y);
  ASSERT_EQ(figure.layout.swatches.size(), 2u);
  EXPECT_TRUE(everyPixelIs(figure.picture, figure.layout.swatches[1], {{51, 102, 230}}));
  // The balls span 8 + 5 + 8 + 4 = 25 mm from side to side and the view fits them (with a margin): a pixel
  // of the 300-pixel view is about 0.1 mm, and the scale bar says so.
  ASSERT_GT(figure.layout.scaleBarMillimetres, 0);
  const double millimetresPerPixel = figure.layout.scaleBarMillimetres / figure.layout.scaleBar.width;
  EXPECT_GT(millimetresPerPixel, 25.0 / 300);
  EXPECT_LT(millimetresPerPixel, 25.0 * 1.5 / 300);
  EXPECT_EQ(figure.layout.body.width, 300);
}

TEST(RenderSegmentation, PicturesCarryTheTitle) {
  TwoBalls scan;
  skipseg::testing::TemporaryDirectory folder;
  RenderOptions options;
  options.meshFormat = "none";
  options.surfaces = false;
  options.title = pictureTitle("/data/ct.nii.gz", "", "/models/organs.ssm");
  EXPECT_EQ(options.title, "Scan: ct.nii.gz     Model: organs.ssm");
  const auto result = renderSegmentation(*scan.labels, scan.image.GetPointer(), liverAndSpleen, folder.path(), options);
  ASSERT_EQ(result.files.size(), 1u);
  vtkNew<vtkPNGReader> reader;
  reader->SetFileName(result.files[0].c_str());
  reader->Update();
  int written[3];
  reader->GetOutput()->GetDimensions(written);
  const Figure expected = sliceMosaicFigure(*scan.labels, scan.image.GetPointer(), liverAndSpleen, {}, options.title);
  EXPECT_EQ(written[0], expected.picture.width);
  EXPECT_EQ(written[1], expected.picture.height);
  // Where SKIPSEG_KEEP_PICTURES names a folder, the pictures are kept there to be looked at.
  if (const char* keep = std::getenv("SKIPSEG_KEEP_PICTURES")) {
    writePng(expected.picture, std::string(keep) + "/test-slices.png");
  }
}

}  // namespace
