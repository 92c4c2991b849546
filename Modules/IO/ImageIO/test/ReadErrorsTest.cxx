#include "SyntheticImages.h"
#include "skipseg/core/Error.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/ImageWriter.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <gtest/gtest.h>
#include <itkImageFileWriter.h>
#include <itkVector.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>

namespace skipseg::io {
namespace {

// Runs `action`, expects a skipseg::Error with `code` whose one-line message starts with `path` and holds `text`.
void expectError(const std::function<void()>& action, ExitCode code, const std::string& path, const std::string& text) {
  try {
    action();
    ADD_FAILURE() << "expected an error mentioning: " << text;
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_EQ(error.code(), code) << message;
    EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
    EXPECT_NE(message.find(text), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

void writeText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST(ReadErrors, MissingFile) {
  skipseg::testing::TemporaryDirectory folder;
  const std::string path = folder.file("absent.nii.gz");
  expectError([&] { readImage(path); }, ExitCode::BadInput, path, "no such file or folder");
}

TEST(ReadErrors, CorruptFilesOfEveryFormat) {
  skipseg::testing::TemporaryDirectory folder;
  for (const std::string name : {"bad.nii", "bad.nii.gz", "bad.nrrd", "bad.mha"}) {
    writeText(folder.file(name), "this is not an image, just some text that is long enough to be a header maybe\n");
    expectError([&] { readImage(folder.file(name)); }, ExitCode::BadInput, folder.file(name), "");
  }
}

// Uncompressed and compressed files cut short: the reader must fail, never return partial voxels.
TEST(ReadErrors, TruncatedVoxels) {
  registerImageIOFactories();
  skipseg::testing::TemporaryDirectory folder;
  ImageGeometry geometry = testing::syntheticGeometry({{1, 0, 0, 0, 1, 0, 0, 0, 1}});
  geometry.size = {40, 30, 20};
  const auto image = testing::makeFloatImage(geometry);
  for (const std::string extension : {".nii", ".nii.gz", ".nrrd", ".mha"}) {
    auto writer = itk::ImageFileWriter<FloatImage>::New();
    writer->SetInput(image);
    writer->SetFileName(folder.file("whole" + extension));
    writer->SetUseCompression(false);
    writer->Update();
    const std::string cut = folder.file("cut" + extension);
    std::filesystem::copy_file(folder.file("whole" + extension), cut);
    std::filesystem::resize_file(cut, std::filesystem::file_size(cut) - 1000);
    SCOPED_TRACE(extension);
    expectError([&] { readImage(cut); }, ExitCode::BadInput, cut, "");
  }
  expectError([&] { readImage(folder.file("cut.nii")); }, ExitCode::BadInput, folder.file("cut.nii"),
              "is truncated: the header promises 96352 bytes, the file has 95352");
  expectError([&] { readImage(folder.file("cut.mha")); }, ExitCode::BadInput, folder.file("cut.mha"),
              "is truncated: the header promises 96000 bytes of voxels");
}

TEST(ReadErrors, UnknownExtensionIsUnsupported) {
  skipseg::testing::TemporaryDirectory folder;
  writeText(folder.file("picture.png"), "not really a png");
  expectError([&] { readImage(folder.file("picture.png")); }, ExitCode::Unsupported, folder.file("picture.png"),
              "unknown image format");
}

TEST(ReadErrors, EmptyFolderAndFolderWithoutDicom) {
  skipseg::testing::TemporaryDirectory folder;
  std::filesystem::create_directory(folder.file("empty"));
  expectError([&] { readImage(folder.file("empty")); }, ExitCode::BadInput, folder.file("empty"),
              "empty folder (no DICOM files)");
  writeText(folder.file("notes.txt"), "hello");
  writeText(folder.file("more.txt"), "world");
  expectError([&] { readImage(folder.path()); }, ExitCode::BadInput, folder.path(),
              "holds no DICOM files (2 other files)");
}

TEST(ReadErrors, FourDimensionalNiftiIsReportedWithItsShape) {
  registerImageIOFactories();
  skipseg::testing::TemporaryDirectory folder;
  using Image4 = itk::Image<float, 4>;
  auto image = Image4::New();
  Image4::RegionType region;
  region.SetSize({{4, 3, 2, 5}});
  image->SetRegions(region);
  image->Allocate(true);
  auto writer = itk::ImageFileWriter<Image4>::New();
  writer->SetInput(image);
  writer->SetFileName(folder.file("timeseries.nii.gz"));
  writer->Update();
  expectError([&] { readImage(folder.file("timeseries.nii.gz")); }, ExitCode::Unsupported,
              folder.file("timeseries.nii.gz"), "is 4D (4x3x2x5, 5 volumes)");
}

TEST(ReadErrors, VectorImageIsReportedWithItsComponentCount) {
  registerImageIOFactories();
  skipseg::testing::TemporaryDirectory folder;
  using VectorImage = itk::Image<itk::Vector<float, 3>, 3>;
  auto image = VectorImage::New();
  VectorImage::RegionType region;
  region.SetSize({{4, 3, 2}});
  image->SetRegions(region);
  image->Allocate(true);
  auto writer = itk::ImageFileWriter<VectorImage>::New();
  writer->SetInput(image);
  writer->SetFileName(folder.file("field.nrrd"));
  writer->Update();
  expectError([&] { readImage(folder.file("field.nrrd")); }, ExitCode::Unsupported, folder.file("field.nrrd"),
              "has 3 values per voxel");
}

TEST(ReadErrors, NonIntegerLabelsAreNotALabelMap) {
  skipseg::testing::TemporaryDirectory folder;
  const auto image = testing::makeFloatImage(testing::syntheticGeometry({{1, 0, 0, 0, 1, 0, 0, 0, 1}}));
  writeImage(image, folder.file("fractions.nrrd"));
  expectError([&] { readLabelImage(folder.file("fractions.nrrd")); }, ExitCode::BadInput, folder.file("fractions.nrrd"),
              "is not a label map: voxel (0, 0, 0) holds 0.25");
}

TEST(WriteErrors, UnknownOutputExtensionWritesNothing) {
  skipseg::testing::TemporaryDirectory folder;
  const auto image = testing::makeFloatImage(testing::syntheticGeometry({{1, 0, 0, 0, 1, 0, 0, 0, 1}}));
  expectError([&] { writeImage(image, folder.file("out.png")); }, ExitCode::Unsupported, folder.file("out.png"),
              "unknown output format");
  EXPECT_EQ(folder.listing(), "");
}

TEST(WriteErrors, UnwritableFolderIsOutputFailed) {
  const auto image = testing::makeFloatImage(testing::syntheticGeometry({{1, 0, 0, 0, 1, 0, 0, 0, 1}}));
  for (const std::string path : {"/proc/skipseg-io-test/out.nii.gz", "/proc/skipseg-io-test/out.nhdr"}) {
    expectError([&] { writeImage(image, path); }, ExitCode::OutputFailed, path, "");
  }
}

// ITK's exception text starts with "itk::ERROR: NrrdImageIO(0x55...): "; users get the reason only.
TEST(ReadErrors, NoItkClassNamesOrAddressesInMessages) {
  skipseg::testing::TemporaryDirectory folder;
  writeText(folder.file("bad.nrrd"), "NRRD0004\ntype: nonsense\ndimension: 3\nsizes: 2 2 2\nencoding: raw\n\n");
  try {
    readImage(folder.file("bad.nrrd"));
    ADD_FAILURE() << "a malformed NRRD header was read";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.rfind(folder.file("bad.nrrd") + ": ", 0), 0u) << message;
    EXPECT_EQ(message.find("ITK ERROR"), std::string::npos) << message;
    EXPECT_EQ(message.find("itk::ERROR"), std::string::npos) << message;
    EXPECT_EQ(message.find("(0x"), std::string::npos) << message;
    EXPECT_NE(message.find("couldn't parse type \"nonsense\""), std::string::npos) << message;
  }
}

std::string bytesOf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Header and data file are one unit: when the header cannot be put in place, the data file the old
// header describes comes back, and no temporary is left.
TEST(WriteErrors, DetachedHeaderAndDataFileAreCommittedTogether) {
  skipseg::testing::TemporaryDirectory folder;
  const auto before = testing::makeFloatImage(testing::syntheticGeometry({{1, 0, 0, 0, 1, 0, 0, 0, 1}}));
  writeImage(before, folder.file("ct.nhdr"));
  EXPECT_EQ(folder.listing(), "ct.nhdr ct.nhdr.raw");
  const std::string oldVoxels = bytesOf(folder.file("ct.nhdr.raw"));
  // A folder where the header must go: the data file is moved in first, then the header's move fails.
  std::filesystem::remove(folder.file("ct.nhdr"));
  std::filesystem::create_directories(folder.file("ct.nhdr/in-the-way"));
  auto after = testing::makeFloatImage(testing::syntheticGeometry({{1, 0, 0, 0, 1, 0, 0, 0, 1}}));
  std::fill(after->GetBufferPointer(), after->GetBufferPointer() + oldVoxels.size() / sizeof(float), 42.0f);
  expectError([&] { writeImage(after, folder.file("ct.nhdr")); }, ExitCode::OutputFailed, folder.file("ct.nhdr"),
              "cannot move the finished file into place");
  EXPECT_EQ(folder.listing(), "ct.nhdr ct.nhdr.raw");
  EXPECT_EQ(bytesOf(folder.file("ct.nhdr.raw")), oldVoxels);
}

// A write that runs out of room (here a file size limit, as a full disk) is an output error, never a
// truncated file that looks finished (ITK's NIfTI writer reports nothing when its voxels do not fit).
TEST(WriteErrors, AWriteThatRunsOutOfRoomLeavesNoFile) {
  skipseg::testing::TemporaryDirectory folder;
  ImageGeometry geometry = testing::syntheticGeometry({{1, 0, 0, 0, 1, 0, 0, 0, 1}});
  geometry.size = {64, 64, 64};
  auto image = testing::makeFloatImage(geometry);
  std::mt19937 generator(7);
  std::uniform_real_distribution<float> noise(-1000.0f, 1000.0f);
  for (std::size_t index = 0; index < geometry.voxelCount(); ++index) {
    image->GetBufferPointer()[index] = noise(generator);  // does not compress below the limit
  }
  const std::vector<std::string> names = {"out.nii.gz", "out.nii", "out.nrrd", "out.mha", "out.nhdr", "out.mhd"};
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);  // writes past the limit fail with EFBIG instead of killing the process
    const rlimit limit{128 * 1024, 128 * 1024};
    setrlimit(RLIMIT_FSIZE, &limit);
    for (std::size_t index = 0; index < names.size(); ++index) {
      try {
        writeImage(image, folder.file(names[index]));
        _exit(10 + static_cast<int>(index));  // written without an error
      } catch (const Error& error) {
        if (error.code() != ExitCode::OutputFailed ||
            std::string(error.what()).find("File too large") == std::string::npos) {
          std::fprintf(stderr, "%s\n", error.what());
          _exit(30 + static_cast<int>(index));
        }
      }
    }
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  const int code = WEXITSTATUS(status);
  EXPECT_EQ(code, 0) << (code >= 30   ? "wrong error for " + names[code - 30]
                         : code >= 10 ? names[code - 10] + " was written without an error"
                                      : "");
  EXPECT_EQ(folder.listing(), "");
}

}  // namespace
}  // namespace skipseg::io
