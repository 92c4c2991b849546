#include "skipseg/batch/CaseDiscovery.h"

#include "BatchTestFiles.h"
#include "skipseg/core/Error.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace skipseg::batch {
namespace {

using test::writeDicomFile;
using test::writeFile;
using testing::TemporaryDirectory;

std::vector<std::string> idsOf(const std::vector<CaseSpec>& cases) {
  std::vector<std::string> ids;
  for (const auto& spec : cases) {
    ids.push_back(spec.id);
  }
  return ids;
}

// The error a call throws, as the user sees it.
template <typename Call>
std::string errorOf(Call call, ExitCode expectedCode = ExitCode::BadInput) {
  try {
    call();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), expectedCode);
    return error.what();
  }
  return "(no error)";
}

TEST(CaseDiscovery, FindsScansInNestedFoldersWithIdsFromTheirPaths) {
  TemporaryDirectory dir;
  writeFile(dir.file("a.nii.gz"), "x");
  writeFile(dir.file("p01/ct.nii"), "x");
  writeFile(dir.file("p01/deep/mr.NRRD"), "x");
  writeFile(dir.file("p02/t1.mha"), "x");
  writeFile(dir.file("p02/t2.mhd"), "ElementDataFile = t2.raw\n");
  writeFile(dir.file("p02/t2.raw"), "raw");
  writeFile(dir.file("p02/notes.txt"), "not a scan");
  writeFile(dir.file(".hidden/x.nii"), "x");
  writeFile(dir.file("out/previous.nii.gz"), "an output");

  const auto cases = discoverCases(dir.path(), dir.file("out"));
  EXPECT_EQ(idsOf(cases), (std::vector<std::string>{"a", "p01_ct", "p01_deep_mr", "p02_t1", "p02_t2"}));
  EXPECT_EQ(cases[1].input, dir.file("p01/ct.nii"));
  // The header's detached data file is part of the case (it is fingerprinted and read with it).
  EXPECT_EQ(scanFiles(cases[4].input), (std::vector<std::string>{dir.file("p02/t2.mhd"), dir.file("p02/t2.raw")}));
}

TEST(CaseDiscovery, ADicomSeriesFolderIsOneCaseAndIsNotDescendedInto) {
  TemporaryDirectory dir;
  writeDicomFile(dir.file("p01/series1/IM0001"), "slice1");
  writeDicomFile(dir.file("p01/series1/IM0002"), "slice2");
  writeFile(dir.file("p01/series1/inner/ignored.nii.gz"), "x");
  writeDicomFile(dir.file("p02/CT.1.2.3.dcm"), "slice");
  writeFile(dir.file("p02/DICOMDIR.txt"), "not dicom");
  writeFile(dir.file("p03/scan.nii.gz"), "x");
  writeFile(dir.file("p03/short"), "too short to be DICOM");

  const auto cases = discoverCases(dir.path());
  EXPECT_EQ(idsOf(cases), (std::vector<std::string>{"p01_series1", "p02", "p03_scan"}));
  EXPECT_EQ(cases[0].input, dir.file("p01/series1"));
  EXPECT_EQ(scanFiles(cases[0].input),
            (std::vector<std::string>{dir.file("p01/series1/IM0001"), dir.file("p01/series1/IM0002")}));
}

TEST(CaseDiscovery, RecognisesTheDicomMagicAtByte128Only) {
  TemporaryDirectory dir;
  writeDicomFile(dir.file("real"), "");
  writeFile(dir.file("early"), "DICM" + std::string(200, '\0'));
  EXPECT_TRUE(isDicomFile(dir.file("real")));
  EXPECT_FALSE(isDicomFile(dir.file("early")));
  EXPECT_FALSE(isDicomFile(dir.file("missing")));
}

TEST(CaseDiscovery, TwoScansWithOneIdAreAnErrorNamingBoth) {
  TemporaryDirectory dir;
  writeFile(dir.file("p01/ct.nii.gz"), "x");
  writeFile(dir.file("p01_ct.nrrd"), "x");
  const std::string message = errorOf([&] { discoverCases(dir.path()); });
  EXPECT_NE(message.find("\"p01_ct\""), std::string::npos) << message;
  EXPECT_NE(message.find("p01_ct.nrrd"), std::string::npos) << message;
  EXPECT_NE(message.find("manifest"), std::string::npos) << message;
}

TEST(CaseDiscovery, AnEmptyFolderOrAMissingInputIsBadInput) {
  TemporaryDirectory dir;
  EXPECT_NE(errorOf([&] { findCases(dir.path(), ""); }).find("no scans found"), std::string::npos);
  EXPECT_NE(errorOf([&] { findCases(dir.file("nothing"), ""); }).find("no such file or folder"), std::string::npos);
  writeFile(dir.file("list.txt"), "a,b\n");
  EXPECT_NE(errorOf([&] { findCases(dir.file("list.txt"), ""); }).find("CSV manifest"), std::string::npos);
}

TEST(Manifest, ReadsRowsWithHeaderCommentsQuotesAndRelativePaths) {
  TemporaryDirectory dir;
  writeFile(dir.file("lists/cases.csv"),
            "case_id,input,output\n"
            "# a comment\n"
            "\n"
            "b,../scans/b.nii.gz\n"
            "a,/abs/a.nrrd,out/a-labels.nii.gz\r\n"
            "\"c,1\",\"../scans/with \"\"quote\"\".nii\"\n");
  const auto cases = readManifest(dir.file("lists/cases.csv"));
  ASSERT_EQ(idsOf(cases), (std::vector<std::string>{"a", "b", "c,1"}));
  EXPECT_EQ(cases[0].input, "/abs/a.nrrd");
  EXPECT_EQ(cases[0].output, dir.file("lists/out/a-labels.nii.gz"));
  EXPECT_EQ(cases[1].input, dir.file("scans/b.nii.gz"));
  EXPECT_EQ(cases[1].output, "");
  EXPECT_EQ(cases[2].input, dir.file("scans/with \"quote\".nii"));
}

TEST(Manifest, MalformedRowsAreErrorsNamingTheLine) {
  TemporaryDirectory dir;
  const std::string path = dir.file("m.csv");
  auto messageFor = [&](const std::string& contents) {
    writeFile(path, contents);
    return errorOf([&] { readManifest(path); });
  };
  EXPECT_EQ(messageFor("a,x.nii\nb\n"),
            path + ":2: expected at least 2 fields (case_id,input[,output[,channel 1,...]]), found 1");
  EXPECT_EQ(messageFor("case_id,input\na,x,y,\n"), path + ":2: channel 1 (column 4) is empty");
  EXPECT_EQ(messageFor("a,x.nii\n\nb,y.nii\na,z.nii\n"), path + ":4: duplicate case id \"a\" (first on line 1)");
  EXPECT_EQ(messageFor(",x.nii\n"), path + ":1: the case id is empty");
  EXPECT_EQ(messageFor("p/1,x.nii\n"),
            path + ":1: the case id \"p/1\" is not a file name (no '/', '\\' or control characters)");
  EXPECT_EQ(messageFor(".a,x.nii\n"), path + ":1: the case id \".a\" starts with '.'");
  EXPECT_EQ(messageFor("a,\n"), path + ":1: the input path is empty");
  EXPECT_EQ(messageFor("a,\"x.nii\n"), path + ":1: a quoted field is not closed");
  EXPECT_EQ(messageFor("case_id,input\n# nothing\n"), path + ": the manifest lists no cases");
}

TEST(Manifest, AMissingInputFileIsNotAManifestError) {
  // One missing study must not stop the night: it fails as a case, later.
  TemporaryDirectory dir;
  writeFile(dir.file("m.csv"), "a,missing.nii.gz\n");
  const auto cases = readManifest(dir.file("m.csv"));
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_NE(errorOf([&] { scanFiles(cases[0].input); }).find("no such file or folder"), std::string::npos);
}

TEST(Channels, ManifestColumnsFourAndOnAreTheFurtherChannels) {
  TemporaryDirectory dir;
  writeFile(dir.file("m.csv"), "case_id,input,output,t2,flair\na,a_t1.nii,,a_t2.nii,a_flair.nii\nb,b_t1.nii\n");
  const auto cases = readManifest(dir.file("m.csv"));
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0].output, "");
  EXPECT_EQ(cases[0].extraInputs, (std::vector<std::string>{dir.file("a_t2.nii"), dir.file("a_flair.nii")}));
  // A model of three channels: case b gives one image; the run stops before any case.
  EXPECT_EQ(errorOf([&] { findCases(dir.file("m.csv"), "", 3); }),
            dir.file("m.csv") +
                ": case b has 1 image(s) but the model takes 3 channel(s) (list every channel in "
                "the manifest's columns 4 and on)");
  EXPECT_EQ(errorOf([&] { findCases(dir.file("m.csv"), "", 1); }),
            dir.file("m.csv") + ": case a has 3 image(s) but the model takes 1 channel(s)");
}

TEST(Channels, ChannelSuffixesGroupAFoldersFilesIntoCases) {
  TemporaryDirectory dir;
  for (const std::string name : {"brain_001_0000.nii.gz", "brain_001_0001.nii.gz", "brain_002_0000.nii.gz",
                                 "brain_002_0001.nii.gz", "brain_003_0000.nii.gz"}) {
    writeFile(dir.file("in/" + name), name);
  }
  const auto cases = findCases(dir.file("in"), "", 2);
  ASSERT_EQ(idsOf(cases), (std::vector<std::string>{"brain_001", "brain_002", "brain_003"}));
  EXPECT_EQ(cases[1].input, dir.file("in/brain_002_0000.nii.gz"));
  EXPECT_EQ(cases[1].extraInputs, std::vector<std::string>{dir.file("in/brain_002_0001.nii.gz")});
  // brain_003 lacks its second channel: it keeps the path it should have and fails alone, naming it.
  EXPECT_EQ(cases[2].extraInputs, std::vector<std::string>{dir.file("in/brain_003_0001.nii.gz")});
  EXPECT_EQ(errorOf([&] { caseFiles(cases[2]); }), dir.file("in/brain_003_0001.nii.gz") + ": no such file or folder");
  EXPECT_EQ(caseFiles(cases[0]).size(), 2u);
  // A single-channel model keeps one case per file, named as always.
  EXPECT_EQ(findCases(dir.file("in"), "", 1).size(), 5u);
}

TEST(Channels, AModelChannelMismatchWithTheWholeFolderStopsTheRun) {
  TemporaryDirectory dir;
  writeFile(dir.file("single/a_0000.nii.gz"), "x");
  writeFile(dir.file("single/b_0000.nii.gz"), "x");
  EXPECT_EQ(errorOf([&] { findCases(dir.file("single"), "", 2); }),
            dir.file("single") + ": the model takes 2 channels but no case has them all (CASE_0000 to CASE_0001)");
  writeFile(dir.file("unnamed/ct.nii.gz"), "x");
  EXPECT_EQ(errorOf([&] { findCases(dir.file("unnamed"), "", 2); }),
            dir.file("unnamed") + ": the model takes 2 channels but " + dir.file("unnamed/ct.nii.gz") +
                " is not named CASE_NNNN: name each case's images CASE_0000, CASE_0001, ... (nnU-Net's channel "
                "suffix) or list them in a CSV manifest");
  writeFile(dir.file("three/a_0000.nii.gz"), "x");
  writeFile(dir.file("three/a_0001.nii.gz"), "x");
  writeFile(dir.file("three/a_0002.nii.gz"), "x");
  EXPECT_EQ(errorOf([&] { findCases(dir.file("three"), "", 2); }),
            dir.file("three") + ": " + dir.file("three/a_0002.nii.gz") +
                " is channel 2 but the model takes 2 channels (0 to 1)");
}

}  // namespace
}  // namespace skipseg::batch
