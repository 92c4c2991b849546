// skipseg-segment stopped by SIGINT/SIGTERM at many moments of a run on a real CT: every run ends either
// complete (exit 0: labels, probabilities and sidecar) or with nothing in the output folder (exit 130 or
// 143, one line), never with some of the files or a temporary.
#include "skipseg/core/JsonFile.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/testing/RunProgram.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

namespace {

namespace fs = std::filesystem;
using skipseg::testing::StartedProgram;
using skipseg::testing::TemporaryDirectory;

bool holdsTemporary(const std::string& folder) {
  std::error_code error;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    if (it->path().filename().string().rfind(".skipseg-tmp-", 0) == 0) {
      return true;
    }
  }
  return false;
}

void waitFor(StartedProgram& program, const std::function<bool()>& moment) {
  while (!program.finished() && !moment()) {
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
}

TEST(SegmentProgram, SignalsAtAnyMomentLeaveTheCompleteCaseOrNothing) {
  SKIPSEG_REQUIRE_SHARED_DATA(scan, "totalsegmentator/example_ct_sm.nii.gz");
  SKIPSEG_REQUIRE_FIXTURE(model, "torchscript_unet3d/model.pt");
  struct Moment {
    const char* name;
    std::function<bool(StartedProgram&, const std::string&)> reached;
  };
  auto modelLoadedFor = [](int milliseconds) {
    return [milliseconds](StartedProgram& program, const std::string&) {
      if (program.standardError().find("inference:") == std::string::npos) {
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
      return true;
    };
  };
  const std::vector<Moment> moments = {
      {"at once", [](StartedProgram&, const std::string&) { return true; }},
      {"model loaded", modelLoadedFor(0)},
      {"model loaded + 200 ms", modelLoadedFor(200)},
      {"model loaded + 600 ms", modelLoadedFor(600)},
      {"a temporary exists", [](StartedProgram&, const std::string& out) { return holdsTemporary(out); }},
      {"labels written, not the rest",
       [](StartedProgram&, const std::string& out) { return fs::exists(out + "/labels.nii.gz"); }},
  };
  int interrupted = 0;
  for (std::size_t index = 0; index < moments.size(); ++index) {
    const int signal = index % 2 == 0 ? SIGTERM : SIGINT;
    TemporaryDirectory folder;
    const std::string out = folder.file("o");
    StartedProgram program("skipseg-segment", {"--input", scan, "--model", model, "--output", out + "/labels.nii.gz",
                                               "--probabilities", out + "/probs.nrrd", "--threads", "2"});
    waitFor(program, [&] { return moments[index].reached(program, out); });
    program.signal(signal);
    const auto result = program.wait();
    const std::string listing = TemporaryDirectory::listingOf(out);
    SCOPED_TRACE(std::string(moments[index].name) + ", exit " + std::to_string(result.exitCode) + ": " +
                 result.standardError);
    if (result.exitCode == 0) {
      EXPECT_EQ(listing, "labels.json labels.nii.gz probs.nrrd");
      EXPECT_EQ(skipseg::readJsonFile(out + "/labels.json")["outputs"].size(), 2u);
      skipseg::io::readLabelImage(out + "/labels.nii.gz");
      continue;
    }
    EXPECT_EQ(listing, "");
    if (program.killedBy() == signal) {
      continue;  // before the handler was installed (libraries loading): nothing had started
    }
    const bool sigint = signal == SIGINT;
    EXPECT_EQ(result.exitCode, sigint ? 130 : 143);
    const std::string line = std::string("skipseg-segment: error: interrupted by ") + (sigint ? "SIGINT" : "SIGTERM") +
                             "; the unfinished outputs were removed\n";
    EXPECT_EQ(
        result.standardError.substr(result.standardError.size() - std::min(result.standardError.size(), line.size())),
        line);
    ++interrupted;
  }
  EXPECT_GT(interrupted, 0) << "no signal reached the program while it worked";
}

// The case: a signal while --render writes its meshes takes back the meshes, the pictures and the
// labels of the case.
TEST(SegmentProgram, ASignalWhileRenderingTakesBackEveryFileOfTheCase) {
#if !SKIPSEG_TESTS_HAVE_VTK
  GTEST_SKIP() << "built without VTK: no --render";
#endif
  SKIPSEG_REQUIRE_SHARED_DATA(scan, "totalsegmentator/example_ct_sm.nii.gz");
  SKIPSEG_REQUIRE_FIXTURE(model, "torchscript_unet3d/model.pt");
  TemporaryDirectory folder;
  const std::string out = folder.file("o");
  StartedProgram program("skipseg-segment",
                         {"--input", scan, "--model", model, "--output", out + "/labels.nii.gz", "--render",
                          out + "/pictures", "--threads", "2", "--log-level", "warning"});
  waitFor(program, [&] {
    std::error_code error;
    for (fs::directory_iterator it(out + "/pictures", error), end; !error && it != end; it.increment(error)) {
      if (it->path().extension() == ".vtp") {
        return true;
      }
    }
    return false;
  });
  program.signal(SIGTERM);
  const auto result = program.wait();
  if (result.exitCode == 0) {  // the signal came after the case was complete
    EXPECT_TRUE(fs::exists(out + "/pictures/slices.png"));
    EXPECT_TRUE(fs::exists(out + "/labels.json"));
    return;
  }
  EXPECT_EQ(result.exitCode, 143) << result.standardError;
  EXPECT_EQ(result.standardError,
            "skipseg-segment: error: interrupted by SIGTERM; the unfinished outputs were removed\n");
  EXPECT_EQ(TemporaryDirectory::listingOf(out), "pictures");
  EXPECT_EQ(TemporaryDirectory::listingOf(out + "/pictures"), "");
}

// Outputs are checked before the scan is read and the model loaded: neither exists here, and the one
// line is about the output.
TEST(SegmentProgram, BadOutputsFailBeforeTheScanIsRead) {
  TemporaryDirectory folder;
  const std::string absent = folder.file("absent.nii.gz");
  const auto dcm = skipseg::testing::runProgram(
      "skipseg-segment", {"--input", absent, "--model", folder.file("m.pt"), "--output", folder.file("x.dcm")});
  EXPECT_EQ(dcm.exitCode, 5);
  EXPECT_EQ(dcm.standardError,
            "skipseg-segment: error: " + folder.file("x.dcm") +
                ": unknown output format; SkipSeg writes .nii, .nii.gz, .nrrd, .nhdr, .mha or .mhd\n");
  std::ofstream(folder.file("file")) << "a file";
  const auto under = skipseg::testing::runProgram(
      "skipseg-segment", {"--input", absent, "--model", folder.file("m.pt"), "--output", folder.file("l.nii.gz"),
                          "--probabilities", folder.file("file/probs.nrrd")});
  EXPECT_EQ(under.exitCode, 6);
  EXPECT_EQ(under.standardError, "skipseg-segment: error: " + folder.file("file/probs.nrrd") + ": cannot write under " +
                                     folder.file("file") + ": Not a directory\n");
  const auto render =
      skipseg::testing::runProgram("skipseg-segment", {"--input", absent, "--model", folder.file("m.pt"), "--output",
                                                       folder.file("l.nii.gz"), "--render", "/proc/skipseg-render"});
  // A build without VTK refuses --render first (RenderInABuildWithoutVtkIsRefusedAndNothingWritten).
  EXPECT_EQ(render.exitCode, SKIPSEG_TESTS_HAVE_VTK ? 6 : 5);
  const std::string reason = SKIPSEG_TESTS_HAVE_VTK ? "cannot write in /proc: " : "pictures and meshes need SkipSeg";
  EXPECT_EQ(render.standardError.rfind("skipseg-segment: error: /proc/skipseg-render: " + reason, 0), 0u)
      << render.standardError;
  EXPECT_EQ(folder.listing(), "file");
}

}  // namespace
