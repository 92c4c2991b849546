#include "skipseg/core/Error.h"
#include "skipseg/io/Geometry.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/ImageWriter.h"
#include "skipseg/io/Orientation.h"
#include "skipseg/programs/ConvertProgram.h"
#include "skipseg/testing/RunProgram.h"
#include "skipseg/testing/SlicerInvocation.h"
#include "skipseg/testing/SlicerSchema.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

namespace fs = std::filesystem;

namespace skipseg::programs {
namespace {

// Runs convertMain in-process; returns the exit code and the captured stderr.
std::pair<int, std::string> convert(const std::vector<std::string>& arguments) {
  ::testing::internal::CaptureStderr();
  const int code = convertMain(arguments);
  return {code, ::testing::internal::GetCapturedStderr()};
}

io::FloatImage::Pointer syntheticImage() {
  ImageGeometry geometry;
  geometry.size = {9, 7, 5};
  geometry.spacing = {0.8, 1.1, 2.5};
  geometry.origin = {-40.5, 12.0, 77.25};
  const double c = std::cos(0.25);
  const double s = std::sin(0.25);
  geometry.direction = {c, 0, s, 0, -1, 0, -s, 0, c};  // oblique about y, negative step along y
  auto image = io::FloatImage::New();
  io::applyGeometry(geometry, image);
  image->Allocate();
  for (std::size_t index = 0; index < geometry.voxelCount(); ++index) {
    image->GetBufferPointer()[index] = static_cast<float>(index) * 0.5f - 3.0f;
  }
  return image;
}

struct WorldComparison {
  double largestDistance = 0.0;  ///< between each voxel centre of `a` and the nearest voxel centre of `b`, mm
  std::size_t outside = 0;       ///< voxels of `a` with no voxel of `b` there
  std::size_t differentValues = 0;
};

// Maps every voxel of `a` through both geometries onto `b` and compares positions and values.
WorldComparison compareInWorld(const io::FloatImage* a, const io::FloatImage* b) {
  WorldComparison result;
  const ImageGeometry geometry = io::geometryOf(a);
  const auto sizeB = b->GetLargestPossibleRegion().GetSize();
  const float* values = a->GetBufferPointer();
  std::size_t index = 0;
  for (std::size_t k = 0; k < geometry.size[2]; ++k) {
    for (std::size_t j = 0; j < geometry.size[1]; ++j) {
      for (std::size_t i = 0; i < geometry.size[0]; ++i, ++index) {
        const auto world = geometry.indexToPhysical({{double(i), double(j), double(k)}});
        itk::Point<double, 3> point;
        std::copy(world.begin(), world.end(), point.Begin());
        itk::ContinuousIndex<double, 3> continuous;
        b->TransformPhysicalPointToContinuousIndex(point, continuous);
        itk::Index<3> nearest;
        bool inside = true;
        for (int axis = 0; axis < 3; ++axis) {
          nearest[axis] = std::lround(continuous[axis]);
          inside = inside && nearest[axis] >= 0 && nearest[axis] < static_cast<long>(sizeB[axis]);
        }
        if (!inside) {
          ++result.outside;
          continue;
        }
        itk::Point<double, 3> centre;
        b->TransformIndexToPhysicalPoint(nearest, centre);
        result.largestDistance = std::max(result.largestDistance, centre.EuclideanDistanceTo(point));
        result.differentValues += values[index] == b->GetPixel(nearest) ? 0 : 1;
      }
    }
  }
  return result;
}

// dcm2niix (an independent converter) into `folder`; returns its NIfTI, or "" when it made none.
std::string runDcm2niix(const std::string& input, const std::string& folder) {
  const auto result =
      skipseg::testing::runProgram("/usr/bin/dcm2niix", {"-z", "y", "-b", "n", "-f", "reference", "-o", folder, input});
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.path().filename().string().rfind("reference", 0) == 0 &&
        entry.path().filename().string().find(".nii") != std::string::npos) {
      return entry.path().string();
    }
  }
  ADD_FAILURE() << "dcm2niix made no NIfTI from " << input << ": " << result.standardOutput << result.standardError;
  return "";
}

#define REQUIRE_DCM2NIIX()                                              \
  if (!fs::exists("/usr/bin/dcm2niix")) {                               \
    if (skipseg::testing::runningUnderCi()) {                           \
      FAIL() << "dcm2niix missing (Pipelines/install-dependencies.sh)"; \
    }                                                                   \
    GTEST_SKIP() << "dcm2niix not installed";                           \
  }

TEST(Convert, RealCtSeriesMatchesDcm2niixInWorldSpaceWithIdenticalValues) {
  SKIPSEG_REQUIRE_SHARED_DATA(series, "totalsegmentator/example_ct_dicom");
  REQUIRE_DCM2NIIX();
  skipseg::testing::TemporaryDirectory folder;
  const auto [code, error] = convert({series, folder.file("ours.nii.gz")});
  ASSERT_EQ(code, 0) << error;
  fs::create_directory(folder.file("dcm2niix"));
  const std::string reference = runDcm2niix(series, folder.file("dcm2niix"));
  ASSERT_FALSE(reference.empty());
  const auto ours = io::readImage(folder.file("ours.nii.gz"));
  const auto theirs = io::readImage(reference);
  EXPECT_EQ(ours.info.pixelType, "int16");
  EXPECT_EQ(ours.image->GetLargestPossibleRegion().GetNumberOfPixels(),
            theirs.image->GetLargestPossibleRegion().GetNumberOfPixels());
  const WorldComparison comparison = compareInWorld(ours.image, theirs.image);
  EXPECT_EQ(comparison.outside, 0u);
  EXPECT_LT(comparison.largestDistance, 0.01);
  EXPECT_EQ(comparison.differentValues, 0u);
}

// pydicom's test files: single slices from several vendors in several transfer syntaxes.
const std::string kPydicomFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files/";

struct PydicomCase {
  std::string file;
  std::string referenceFile;  ///< what dcm2niix converts: the file itself, or the same image stored uncompressed
};

void PrintTo(const PydicomCase& test, std::ostream* out) {
  *out << test.file;
}

class PydicomFile : public ::testing::TestWithParam<PydicomCase> {};

TEST_P(PydicomFile, MatchesDcm2niixInWorldSpaceWithIdenticalValues) {
  const PydicomCase& test = GetParam();
  if (!fs::exists(kPydicomFiles + test.file)) {
    if (skipseg::testing::runningUnderCi()) {
      FAIL() << "python3-pydicom missing (Pipelines/install-dependencies.sh): " << test.file;
    }
    GTEST_SKIP() << "python3-pydicom not installed";
  }
  REQUIRE_DCM2NIIX();
  skipseg::testing::TemporaryDirectory folder;
  fs::create_directory(folder.file("input"));
  fs::create_directory(folder.file("reference"));
  fs::copy_file(kPydicomFiles + test.file, folder.file("input/" + test.file));
  fs::copy_file(kPydicomFiles + test.referenceFile, folder.file("reference/" + test.referenceFile));
  const auto [code, error] = convert({folder.file("input/" + test.file), folder.file("ours.nii.gz")});
  ASSERT_EQ(code, 0) << error;
  fs::create_directory(folder.file("dcm2niix"));
  const std::string reference = runDcm2niix(folder.file("reference"), folder.file("dcm2niix"));
  ASSERT_FALSE(reference.empty());
  const auto ours = io::readImage(folder.file("ours.nii.gz"));
  const auto theirs = io::readImage(reference);
  EXPECT_EQ(ours.image->GetLargestPossibleRegion().GetNumberOfPixels(),
            theirs.image->GetLargestPossibleRegion().GetNumberOfPixels());
  const WorldComparison comparison = compareInWorld(ours.image, theirs.image);
  EXPECT_EQ(comparison.outside, 0u);
  EXPECT_LT(comparison.largestDistance, 0.01);
  EXPECT_EQ(comparison.differentValues, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Vendors, PydicomFile,
    ::testing::Values(PydicomCase{"CT_small.dcm", "CT_small.dcm"},                      // GE CT, explicit little endian
                      PydicomCase{"MR_small.dcm", "MR_small.dcm"},                      // Toshiba MR
                      PydicomCase{"MR_small_implicit.dcm", "MR_small_implicit.dcm"},    // implicit VR
                      PydicomCase{"MR_small_bigendian.dcm", "MR_small_bigendian.dcm"},  // explicit big endian
                      PydicomCase{"MR_small_RLE.dcm", "MR_small_RLE.dcm"},              // RLE lossless
                      PydicomCase{"MR_small_jp2klossless.dcm", "MR_small_jp2klossless.dcm"},  // JPEG 2000 lossless
                      // JPEG-LS: dcm2niix (Debian) cannot decode it; the same image uncompressed is the reference.
                      PydicomCase{"MR_small_jpeg_ls_lossless.dcm", "MR_small.dcm"}),
    [](const auto& info) {
      std::string name = info.param.file.substr(0, info.param.file.size() - 4);
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

TEST(Convert, OrientKeepsEveryVoxelsWorldPosition) {
  skipseg::testing::TemporaryDirectory folder;
  const auto image = syntheticImage();
  io::writeImage(image, folder.file("in.nrrd"));
  for (const std::string code : {"RAS", "LPS", "SLA", "ARI"}) {
    const auto [status, error] = convert({folder.file("in.nrrd"), folder.file(code + ".nii.gz"), "--orient", code});
    ASSERT_EQ(status, 0) << error;
    const auto turned = io::readImage(folder.file(code + ".nii.gz"));
    EXPECT_EQ(io::orientationCode(turned.image.GetPointer()), code);
    const WorldComparison comparison = compareInWorld(turned.image, image);
    EXPECT_EQ(comparison.outside, 0u) << code;
    EXPECT_LT(comparison.largestDistance, 1e-4) << code;
    EXPECT_EQ(comparison.differentValues, 0u) << code;
  }
}

TEST(Convert, LabelsAreWrittenAsTheSmallestUnsignedType) {
  SKIPSEG_REQUIRE_SHARED_DATA(labels, "totalsegmentator/example_seg_dicom.nii.gz");
  skipseg::testing::TemporaryDirectory folder;
  const auto [code, error] = convert({labels, folder.file("labels.nrrd"), "--labels", "--orient", "LPS"});
  ASSERT_EQ(code, 0) << error;
  EXPECT_EQ(io::readImageInfo(folder.file("labels.nrrd")).pixelType, "uint8");
  const auto original = io::readImage(labels);
  const auto converted = io::readImage(folder.file("labels.nrrd"));
  const WorldComparison comparison = compareInWorld(converted.image, original.image);
  EXPECT_EQ(comparison.outside, 0u);
  EXPECT_LT(comparison.largestDistance, 1e-3);
  EXPECT_EQ(comparison.differentValues, 0u);
}

TEST(ConvertErrors, MissingInputExitsThreeAndWritesNothing) {
  skipseg::testing::TemporaryDirectory folder;
  const auto [code, error] = convert({folder.file("absent.nii.gz"), folder.file("out.nii.gz")});
  EXPECT_EQ(code, 3);
  EXPECT_EQ(error, "skipseg-convert: error: " + folder.file("absent.nii.gz") + ": no such file or folder\n");
  EXPECT_EQ(folder.listing(), "");
}

TEST(ConvertErrors, SeveralSeriesWithoutSeriesListsThemAndWritesNothing) {
  const std::string files = "/usr/lib/python3/dist-packages/pydicom/data/test_files/";
  if (!fs::exists(files + "CT_small.dcm")) {
    GTEST_SKIP() << "python3-pydicom not installed";
  }
  skipseg::testing::TemporaryDirectory folder;
  fs::create_directory(folder.file("dicom"));
  fs::copy_file(files + "CT_small.dcm", folder.file("dicom/ct.dcm"));
  fs::copy_file(files + "MR_small.dcm", folder.file("dicom/mr.dcm"));
  const auto [code, error] = convert({folder.file("dicom"), folder.file("out.nii.gz")});
  EXPECT_EQ(code, 3);
  EXPECT_NE(error.find(folder.file("dicom") + ": holds 2 DICOM series; choose one with --series UID: "),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("(CT, "), std::string::npos) << error;
  EXPECT_NE(error.find("(MR, "), std::string::npos) << error;
  EXPECT_EQ(folder.listing(), "dicom");
}

TEST(ConvertErrors, BadOrientationCodeIsAUsageError) {
  skipseg::testing::TemporaryDirectory folder;
  io::writeImage(syntheticImage(), folder.file("in.nrrd"));
  const auto [code, error] = convert({folder.file("in.nrrd"), folder.file("out.nii"), "--orient", "RAR"});
  EXPECT_EQ(code, 2);
  EXPECT_NE(error.find("--orient: 'RAR' is not an orientation code"), std::string::npos) << error;
  EXPECT_EQ(folder.listing(), "in.nrrd");
}

TEST(ConvertErrors, UnknownOutputFormatIsUnsupported) {
  skipseg::testing::TemporaryDirectory folder;
  io::writeImage(syntheticImage(), folder.file("in.nrrd"));
  const auto [code, error] = convert({folder.file("in.nrrd"), folder.file("out.png")});
  EXPECT_EQ(code, 5);
  EXPECT_EQ(error, "skipseg-convert: error: " + folder.file("out.png") +
                       ": unknown output format; SkipSeg writes .nii, .nii.gz, .nrrd, .nhdr, .mha or .mhd\n");
  EXPECT_EQ(folder.listing(), "in.nrrd");
}

TEST(ConvertErrors, CorruptInputExitsThreeAndWritesNothing) {
  skipseg::testing::TemporaryDirectory folder;
  std::ofstream(folder.file("broken.nii.gz")) << "not gzip, not nifti";
  const auto [code, error] = convert({folder.file("broken.nii.gz"), folder.file("out.nii.gz")});
  EXPECT_EQ(code, 3);
  EXPECT_EQ(error.rfind("skipseg-convert: error: " + folder.file("broken.nii.gz") + ": ", 0), 0u) << error;
  EXPECT_EQ(folder.listing(), "broken.nii.gz");
}

// The real command line: the built program, its exit code and its one-line error.
TEST(ConvertProgram, BuiltProgramConvertsAndReportsErrors) {
  skipseg::testing::TemporaryDirectory folder;
  io::writeImage(syntheticImage(), folder.file("in.mha"));
  const auto ok = skipseg::testing::runProgram("skipseg-convert", {folder.file("in.mha"), folder.file("out.nhdr")});
  EXPECT_EQ(ok.exitCode, 0) << ok.standardError;
  EXPECT_EQ(folder.listing(), "in.mha out.nhdr out.nhdr.raw");
  const auto failed =
      skipseg::testing::runProgram("skipseg-convert", {folder.file("nothing.mha"), folder.file("x.nii")});
  EXPECT_EQ(failed.exitCode, 3);
  EXPECT_EQ(failed.standardError,
            "skipseg-convert: error: " + folder.file("nothing.mha") + ": no such file or folder\n");
  EXPECT_FALSE(fs::exists(folder.file("x.nii")));
}

TEST(ConvertProgram, XmlValidatesAgainstSlicersSchema) {
  const auto result = skipseg::testing::runProgram("skipseg-convert", {"--xml"});
  ASSERT_EQ(result.exitCode, 0) << result.standardError;
  EXPECT_NE(result.standardOutput.find("<label>Orientation code</label>"), std::string::npos);
  SKIPSEG_EXPECT_VALID_SLICER_XML(result.standardOutput);
}

// Slicer reads --xml, writes the input volume where the description says and passes options by flag.
TEST(ConvertProgram, RunsExactlyAsSlicerWould) {
  skipseg::testing::TemporaryDirectory folder;
  const auto parameters = skipseg::testing::slicerParametersOf("skipseg-convert");
  const auto commandLine = skipseg::testing::slicerCommandLine(parameters, {{"orient", {"RAS"}}}, folder.path());
  io::writeImage(syntheticImage(), commandLine.files.at("input"));
  const auto result = skipseg::testing::runProgram("skipseg-convert", commandLine.arguments);
  ASSERT_EQ(result.exitCode, 0) << result.standardError;
  EXPECT_EQ(io::orientationCode(io::readImage(commandLine.files.at("output")).image.GetPointer()), "RAS");
}

// Two headers with one stem (ctsm.mhd, ctsm.nhdr) each get their own data file: the second conversion
// must not change the voxels the first header describes.
TEST(ConvertProgram, DetachedHeadersOfOneStemKeepTheirOwnVoxels) {
  skipseg::testing::TemporaryDirectory folder;
  const auto image = syntheticImage();
  io::writeImage(image, folder.file("ct.nrrd"));
  ASSERT_EQ(convert({folder.file("ct.nrrd"), folder.file("c/ctsm.mhd")}).first, 0);
  const auto [code, error] = convert({folder.file("ct.nrrd"), folder.file("c/ctsm.nhdr"), "--orient", "PIR"});
  ASSERT_EQ(code, 0) << error;
  EXPECT_EQ(skipseg::testing::TemporaryDirectory::listingOf(folder.file("c")),
            "ctsm.mhd ctsm.mhd.raw ctsm.nhdr ctsm.nhdr.raw");
  const auto mhd = io::readImage(folder.file("c/ctsm.mhd"));
  const WorldComparison same = compareInWorld(mhd.image, image);
  EXPECT_EQ(same.outside, 0u);
  EXPECT_EQ(same.differentValues, 0u);
  EXPECT_EQ(io::orientationCode(mhd.image.GetPointer()), io::orientationCode(image.GetPointer()));
  const auto nhdr = io::readImage(folder.file("c/ctsm.nhdr"));
  EXPECT_EQ(io::orientationCode(nhdr.image.GetPointer()), "PIR");
  EXPECT_EQ(compareInWorld(nhdr.image, image).differentValues, 0u);
}

// Outputs are checked before the input is read: the input here does not even exist, and the message is
// about the output, with the operating system's reason.
TEST(ConvertErrors, BadOutputsFailBeforeTheInputIsRead) {
  skipseg::testing::TemporaryDirectory folder;
  const std::string absent = folder.file("absent.nii.gz");
  const auto [dcm, dcmError] = convert({absent, folder.file("x.dcm")});
  EXPECT_EQ(dcm, 5);
  EXPECT_EQ(dcmError, "skipseg-convert: error: " + folder.file("x.dcm") +
                          ": unknown output format; SkipSeg writes .nii, .nii.gz, .nrrd, .nhdr, .mha or .mhd\n");
  std::ofstream(folder.file("file.txt")) << "a file, not a folder";
  const auto [under, underError] = convert({absent, folder.file("file.txt/out.nhdr")});
  EXPECT_EQ(under, 6);
  EXPECT_EQ(underError, "skipseg-convert: error: " + folder.file("file.txt/out.nhdr") + ": cannot write under " +
                            folder.file("file.txt") + ": Not a directory\n");
  const auto [proc, procError] = convert({absent, "/proc/skipseg/out.nrrd"});
  EXPECT_EQ(proc, 6);
  EXPECT_EQ(procError.rfind("skipseg-convert: error: /proc/skipseg/out.nrrd: cannot write in /proc: ", 0), 0u)
      << procError;
  for (const auto& message : {dcmError, underError, procError}) {
    EXPECT_EQ(message.find("ERROR"), std::string::npos) << message;
  }
  EXPECT_EQ(folder.listing(), "file.txt");
}

// What a signal may leave: either the finished header and data file (exit 0), or nothing at all (exit 130
// for SIGINT, 143 for SIGTERM, one line on stderr). A signal that comes before the program installed its
// handler (while the libraries load) ends it at once, also with nothing written.
void expectAllOrNothing(skipseg::testing::StartedProgram& program, int signal, const std::string& folder,
                        int& interrupted) {
  const auto result = program.wait();
  const std::string listing = skipseg::testing::TemporaryDirectory::listingOf(folder);
  if (result.exitCode == 0) {
    EXPECT_EQ(listing, "ct.nhdr ct.nhdr.raw");
    EXPECT_EQ(io::readImage(folder + "/ct.nhdr").image->GetLargestPossibleRegion().GetNumberOfPixels(),
              122u * 101u * 112u);
    return;
  }
  EXPECT_EQ(listing, "") << "exit " << result.exitCode;
  if (program.killedBy() == signal) {
    return;
  }
  const bool sigint = signal == SIGINT;
  EXPECT_EQ(result.exitCode, sigint ? 130 : 143) << result.standardError;
  EXPECT_EQ(result.standardError, std::string("skipseg-convert: error: interrupted by ") +
                                      (sigint ? "SIGINT" : "SIGTERM") + "; the unfinished outputs were removed\n");
  ++interrupted;
}

bool holdsTemporary(const std::string& folder) {
  std::error_code error;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    if (it->path().filename().string().rfind(".skipseg-tmp-", 0) == 0) {
      return true;
    }
  }
  return false;
}

TEST(ConvertProgram, SignalsAtAnyMomentLeaveTheCompleteOutputOrNothing) {
  SKIPSEG_REQUIRE_SHARED_DATA(scan, "totalsegmentator/example_ct.nii.gz");
  int interrupted = 0;
  // Moments spread over the run (start-up, reading, reorienting), then signals sent the moment the write
  // stage shows (its temporary folder appears).
  for (int round = 0; round < 20; ++round) {
    skipseg::testing::TemporaryDirectory folder;
    const std::string out = folder.file("c");
    const int signal = round % 2 == 0 ? SIGTERM : SIGINT;
    skipseg::testing::StartedProgram program("skipseg-convert",
                                             {scan, out + "/ct.nhdr", "--orient", "PIR", "--log-level", "warning"});
    if (round < 12) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25 * round));
    } else {
      while (!program.finished() && !holdsTemporary(out)) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    }
    program.signal(signal);
    expectAllOrNothing(program, signal, out, interrupted);
  }
  EXPECT_GT(interrupted, 0) << "no signal reached the program while it worked";
}

// SIGKILL cannot be handled: the temporaries stay, and the next run of the same output removes them.
TEST(ConvertProgram, TemporariesOfAKilledRunAreRemovedByTheNextRun) {
  SKIPSEG_REQUIRE_SHARED_DATA(scan, "totalsegmentator/example_ct.nii.gz");
  skipseg::testing::TemporaryDirectory folder;
  const std::string out = folder.file("c");
  {
    skipseg::testing::StartedProgram program("skipseg-convert", {scan, out + "/ct.nhdr"});
    while (!program.finished() && !holdsTemporary(out)) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    program.signal(SIGKILL);
    program.wait();
  }
  const bool leftTemporaries = holdsTemporary(out);
  const auto rerun = skipseg::testing::runProgram("skipseg-convert", {scan, out + "/ct.nhdr"});
  ASSERT_EQ(rerun.exitCode, 0) << rerun.standardError;
  EXPECT_EQ(skipseg::testing::TemporaryDirectory::listingOf(out), "ct.nhdr ct.nhdr.raw")
      << (leftTemporaries ? "the killed run's temporaries were not removed" : "");
}

}  // namespace
}  // namespace skipseg::programs
