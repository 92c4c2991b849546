#include "skipseg/io/Geometry.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/ImageWriter.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <gtest/gtest.h>
#include <itkImageFileReader.h>
#include <itkVectorImage.h>

namespace {

// Per-class probabilities: one component per channel, each voxel's values in channel order, on the
// buffer's own (oblique) grid.
TEST(MultiChannelWriter, ChannelsBecomeComponentsOnTheSameGrid) {
  skipseg::ImageGeometry geometry;
  geometry.size = {5, 4, 3};
  geometry.spacing = {0.5, 1.5, 2.0};
  geometry.origin = {-3.0, 7.0, 11.0};
  geometry.direction = {0, 1, 0, -1, 0, 0, 0, 0, 1};
  skipseg::VoxelBuffer buffer(geometry, 3);
  for (std::size_t index = 0; index < buffer.values.size(); ++index) {
    buffer.values[index] = static_cast<float>(index) * 0.25f;
  }
  for (const char* name : {"p.nii.gz", "p.nrrd", "p.mha"}) {
    skipseg::testing::TemporaryDirectory folder;
    skipseg::io::writeMultiChannelImage(buffer, folder.file(name));
    EXPECT_EQ(folder.listing(), name);

    skipseg::io::registerImageIOFactories();
    using VectorImage = itk::VectorImage<float, 3>;
    auto reader = itk::ImageFileReader<VectorImage>::New();
    reader->SetFileName(folder.file(name));
    reader->Update();
    const VectorImage* image = reader->GetOutput();
    ASSERT_EQ(image->GetNumberOfComponentsPerPixel(), 3u) << name;
    EXPECT_TRUE(skipseg::io::geometryOf(image).sameGrid(geometry, 1e-5)) << name;
    VectorImage::IndexType index{{4, 1, 2}};
    const auto pixel = image->GetPixel(index);
    for (unsigned c = 0; c < 3; ++c) {
      EXPECT_FLOAT_EQ(pixel[c], buffer.at(c, 4, 1, 2)) << name << " channel " << c;
    }
  }
}

}  // namespace
