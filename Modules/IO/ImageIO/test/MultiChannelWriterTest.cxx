#include "skipseg/io/Geometry.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/ImageWriter.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <gtest/gtest.h>
#include <itkImageFileReader.h>
#include <itkVectorImage.h>

#include <fstream>
#include <iterator>

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

// The probabilities say which label each component is: in the header (NRRD, MetaImage) or, for NIfTI,
// in a JSON file beside it; SkipSeg reads them back with the voxels.
TEST(MultiChannelWriter, ComponentLabelsTravelWithTheFile) {
  skipseg::ImageGeometry geometry;
  geometry.size = {4, 3, 2};
  skipseg::VoxelBuffer buffer(geometry, 3);
  for (std::size_t index = 0; index < buffer.values.size(); ++index) {
    buffer.values[index] = static_cast<float>(index) / 100.0f;
  }
  const std::vector<skipseg::io::ComponentLabel> labels{{"background", 0}, {"liver", 1}, {"liver tumour", 7}};
  const std::vector<std::pair<std::string, std::string>> files{{"p.nrrd", "p.nrrd"},
                                                               {"p.nhdr", "p.nhdr p.nhdr.raw"},
                                                               {"p.mha", "p.mha"},
                                                               {"p.nii.gz", "p.components.json p.nii.gz"},
                                                               {"p.nii", "p.components.json p.nii"}};
  for (const auto& [name, listing] : files) {
    skipseg::testing::TemporaryDirectory folder;
    skipseg::io::writeMultiChannelImage(buffer, folder.file(name), labels);
    EXPECT_EQ(folder.listing(), listing);
    const auto read = skipseg::io::readMultiChannelImage(folder.file(name));
    EXPECT_EQ(read.info.components, 3u) << name;
    EXPECT_EQ(read.voxels.values, buffer.values) << name;
    ASSERT_EQ(read.components.size(), 3u) << name;
    for (std::size_t c = 0; c < 3; ++c) {
      EXPECT_EQ(read.components[c].name, labels[c].name) << name;
      EXPECT_EQ(read.components[c].value, labels[c].value) << name;
    }
  }
}

TEST(MultiChannelWriter, NrrdHeaderNamesTheComponentsAsKeyValuePairs) {
  skipseg::ImageGeometry geometry;
  geometry.size = {2, 2, 2};
  skipseg::testing::TemporaryDirectory folder;
  skipseg::io::writeMultiChannelImage(skipseg::VoxelBuffer(geometry, 2), folder.file("p.nhdr"),
                                      {{"background", 0}, {"spleen", 1}});
  std::ifstream header(folder.file("p.nhdr"));
  const std::string text((std::istreambuf_iterator<char>(header)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("Component0_Name:=background\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Component1_Name:=spleen\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Component1_LabelValue:=1\n"), std::string::npos) << text;
}

TEST(MultiChannelWriter, AFileWithoutNamesReadsWithNone) {
  skipseg::ImageGeometry geometry;
  geometry.size = {2, 2, 2};
  skipseg::testing::TemporaryDirectory folder;
  skipseg::io::writeMultiChannelImage(skipseg::VoxelBuffer(geometry, 2), folder.file("p.nii.gz"));
  EXPECT_EQ(folder.listing(), "p.nii.gz");
  const auto read = skipseg::io::readMultiChannelImage(folder.file("p.nii.gz"));
  EXPECT_EQ(read.info.components, 2u);
  EXPECT_TRUE(read.components.empty());
}

}  // namespace
