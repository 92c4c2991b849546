#include "TestImages.h"

#include "skipseg/core/Error.h"
#include "skipseg/render/RenderSegmentation.h"
#include "skipseg/render/SurfaceRender.h"
#include "skipseg/render/VirtualDisplay.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPNGReader.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace {

using namespace skipseg::render;
using namespace skipseg::render::testing;

// Mean column of the pixels whose colour is dominated by `channel`; -1 when there are none.
double meanColumnOf(const RgbPicture& picture, int channel) {
  double sum = 0, count = 0;
  for (int y = 0; y < picture.height; ++y) {
    for (int x = 0; x < picture.width; ++x) {
      const auto rgb = picture.at(x, y);
      const int others = std::max(rgb[(channel + 1) % 3], rgb[(channel + 2) % 3]);
      if (rgb[channel] > 40 && rgb[channel] > 2 * others) {
        sum += x;
        count += 1;
      }
    }
  }
  return count > 0 ? sum / count : -1.0;
}

TEST(SurfaceRender, PictureHasTheRequestedSizeAndShowsTheMeshesFromTheFront) {
  Grid grid;
  grid.size = {40, 30, 30};
  auto labels = makeLabelImage(grid);
  const auto centre = gridCentre(*labels);
  paintBall(*labels, {centre[0] + 9, centre[1], centre[2]}, 6, 1);  // patient's left
  paintBall(*labels, {centre[0] - 9, centre[1], centre[2]}, 6, 2);  // patient's right
  SurfaceRenderOptions options;
  options.width = 320;
  options.height = 240;
  const auto picture =
      renderSurfaces({{labelSurface(*labels, 1), {1, 0, 0}}, {labelSurface(*labels, 2), {0, 0, 1}}}, options);
  ASSERT_EQ(picture.width, 320);
  ASSERT_EQ(picture.height, 240);
  EXPECT_EQ(picture.at(0, 0), (std::array<std::uint8_t, 3>{0, 0, 0}));  // background in the corner
  const double red = meanColumnOf(picture, 0);
  const double blue = meanColumnOf(picture, 2);
  ASSERT_GT(red, 0) << "the red ball is not in the picture";
  ASSERT_GT(blue, 0) << "the blue ball is not in the picture";
  EXPECT_GT(red, blue) << "seen from the front, the patient's left is on the picture's right";
}

TEST(SurfaceRender, StartsItsOwnDisplayWhenNoneIsSet) {
  const char* display = std::getenv("DISPLAY");
  const std::string saved = display != nullptr ? display : "";
  unsetenv("DISPLAY");
  {
    VirtualDisplay virtualDisplay;
    EXPECT_TRUE(virtualDisplay.startedServer());
    EXPECT_EQ(std::string(std::getenv("DISPLAY")), virtualDisplay.display());
  }
  EXPECT_EQ(std::getenv("DISPLAY"), nullptr);  // stopped and unset again
  if (!saved.empty()) {
    setenv("DISPLAY", saved.c_str(), 1);
  }
}

TEST(SurfaceRender, WithoutDisplayOrXvfbFailsWithAClearMessage) {
  const char* display = std::getenv("DISPLAY");
  const std::string savedDisplay = display != nullptr ? display : "";
  const std::string savedPath = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  unsetenv("DISPLAY");
  skipseg::testing::TemporaryDirectory emptyFolder;
  setenv("PATH", emptyFolder.path().c_str(), 1);  // no Xvfb to be found
  try {
    VirtualDisplay virtualDisplay;
    ADD_FAILURE() << "no error";
  } catch (const skipseg::Error& error) {
    EXPECT_EQ(error.code(), skipseg::ExitCode::Unsupported);
    EXPECT_EQ(std::string(error.what()).rfind("Xvfb: 3D rendering needs an X display", 0), 0u) << error.what();
  }
  setenv("PATH", savedPath.c_str(), 1);
  if (!savedDisplay.empty()) {
    setenv("DISPLAY", savedDisplay.c_str(), 1);
  }
}

TEST(RenderSegmentation, WritesOneMeshPerLabelAndBothPictures) {
  Grid grid;
  grid.size = {32, 32, 24};
  grid.spacing = {1.0, 1.0, 1.5};
  auto labels = makeLabelImage(grid);
  const auto centre = gridCentre(*labels);
  paintBall(*labels, {centre[0] - 6, centre[1], centre[2]}, 5, 3);
  paintBall(*labels, {centre[0] + 6, centre[1], centre[2]}, 5, 7);
  auto image = makeFloatImage(grid, -1000.0f);
  skipseg::testing::TemporaryDirectory folder;
  const std::string output = folder.file("render");
  RenderOptions options;
  options.meshFormat = "stl";
  options.surfaceRender.width = 200;
  options.surfaceRender.height = 160;
  const auto result =
      renderSegmentation(*labels, image.GetPointer(), {{3, "kidney left/upper", {0, 1, 0}}}, output, options);
  ASSERT_EQ(result.files.size(), 4u);
  EXPECT_EQ(result.files[0], output + "/3_kidney_left_upper.stl");
  EXPECT_EQ(result.files[1], output + "/7_label_7.stl");
  for (const auto& file : result.files) {
    EXPECT_TRUE(std::filesystem::exists(file)) << file;
  }
  vtkNew<vtkPNGReader> reader;
  reader->SetFileName((output + "/surfaces.png").c_str());
  reader->Update();
  int dimensions[3];
  reader->GetOutput()->GetDimensions(dimensions);
  // The 3D view has the requested size; title, legend and scale bar add to the picture.
  EXPECT_GE(dimensions[0], 200);
  EXPECT_GT(dimensions[1], 160 + 60);
}

TEST(RenderSegmentation, RefusesAnImageOnAnotherGridAndAnUnknownFormat) {
  Grid grid;
  grid.size = {10, 10, 10};
  auto labels = makeLabelImage(grid);
  grid.spacing = {2, 2, 2};
  auto image = makeFloatImage(grid, 0.0f);
  skipseg::testing::TemporaryDirectory folder;
  try {
    renderSegmentation(*labels, image.GetPointer(), {}, folder.path());
    FAIL() << "no error";
  } catch (const skipseg::Error& error) {
    EXPECT_EQ(error.code(), skipseg::ExitCode::BadInput);
  }
  RenderOptions options;
  options.meshFormat = "ply";
  EXPECT_THROW(renderSegmentation(*labels, nullptr, {}, folder.path(), options), skipseg::Error);
  EXPECT_EQ(folder.listing(), "");  // nothing written
}

}  // namespace
