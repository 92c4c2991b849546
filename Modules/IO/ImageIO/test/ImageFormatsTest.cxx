#include "SyntheticImages.h"
#include "skipseg/core/Error.h"
#include "skipseg/io/ImageFormats.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/ImageWriter.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <gtest/gtest.h>

namespace skipseg::io {
namespace {

TEST(ImageFormats, ExtensionsNameTheirFormatCaseInsensitivelyLongestFirst) {
  EXPECT_EQ(imageFormatOfPath("scans/CT.NII.GZ")->name, "NIfTI");
  EXPECT_EQ(imageFormatOfPath("ct.nii")->name, "NIfTI");
  EXPECT_EQ(imageFormatOfPath("a.nhdr")->name, "NRRD");
  EXPECT_EQ(imageFormatOfPath("a.mhd")->name, "MetaImage");
  EXPECT_EQ(imageFormatOfPath("slice.dcm")->name, "DICOM");
  EXPECT_EQ(imageFormatOfPath("archive.gz"), nullptr);
  EXPECT_EQ(imageFormatOfPath(".nii"), nullptr);  // a hidden file named like an extension is not an image
  EXPECT_TRUE(isWritableImagePath("labels.NRRD"));
  EXPECT_FALSE(isWritableImagePath("labels.dcm"));  // DICOM objects are written by their own options
  EXPECT_TRUE(hasDetachedData("ct.nhdr"));
  EXPECT_TRUE(hasDetachedData("CT.MHD"));
  EXPECT_FALSE(hasDetachedData("ct.nrrd"));
  EXPECT_FALSE(hasDetachedData("ct.mha"));
}

TEST(ImageFormats, StrippingTheExtensionKeepsTheFolderAndOtherDots) {
  EXPECT_EQ(withoutImageExtension("out/case_001.nii.gz"), "out/case_001");
  EXPECT_EQ(withoutImageExtension("out.v2/case.1.nrrd"), "out.v2/case.1");
  EXPECT_EQ(withoutImageExtension("out.v2/case"), "out.v2/case");
  EXPECT_EQ(withoutImageExtension("notes.txt"), "notes.txt");
}

TEST(ImageFormats, SlicerGetsSingleFileExtensionsWithNrrdFirst) {
  const auto extensions = slicerImageExtensions();
  ASSERT_FALSE(extensions.empty());
  EXPECT_EQ(extensions.front(), ".nrrd");
  for (const auto& extension : extensions) {
    EXPECT_FALSE(hasDetachedData("x" + extension)) << extension;
    EXPECT_TRUE(isWritableImagePath("x" + extension)) << extension;
  }
  EXPECT_EQ(extensions.size(), imageFileExtensions().size() - 2);  // all but .nhdr and .mhd
}

// The registry is the contract: every extension it calls writable is written and read back by the
// reader and writer, which report the registry's format name.
TEST(ImageFormats, EveryWritableExtensionRoundTripsAsItsFormat) {
  EXPECT_EQ(imageFileExtensions(), (std::vector<std::string>{".nii", ".nii.gz", ".nrrd", ".nhdr", ".mha", ".mhd"}));
  skipseg::testing::TemporaryDirectory folder;
  const ImageGeometry geometry = testing::syntheticGeometry(testing::obliqueNegativeStepDirection());
  const auto image = testing::makeFloatImage(geometry);
  for (const auto& extension : imageFileExtensions()) {
    const std::string path = folder.file("image" + extension);
    writeImage(image, path);
    EXPECT_EQ(readImage(path).info.format, imageFormatOfPath(path)->name) << extension;
  }
}

TEST(ImageFormats, AnUnknownOutputExtensionIsRefusedListingTheWritableOnes) {
  try {
    checkImageOutput("/tmp/labels.dcm");
    FAIL() << "expected Unsupported";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::Unsupported);
    EXPECT_STREQ(error.what(),
                 "/tmp/labels.dcm: unknown output format; SkipSeg writes .nii, .nii.gz, .nrrd, .nhdr, .mha or .mhd");
  }
}

}  // namespace
}  // namespace skipseg::io
