#include "skipseg/batch/DicomExport.h"

#include "BatchTestFiles.h"
#include "skipseg/batch/BatchProgram.h"
#include "skipseg/batch/CaseDiscovery.h"
#include "skipseg/batch/ChecksumWorker.h"
#include "skipseg/batch/Sha256.h"
#include "skipseg/core/Error.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

namespace fs = std::filesystem;

namespace skipseg::batch {
namespace {

using test::writeFile;
using testing::TemporaryDirectory;

DicomSeriesRecord record(const std::string& folder, const std::string& seriesUid, const std::string& modality,
                         std::size_t files) {
  DicomSeriesRecord series;
  series.patientId = "PAT^1/ü";
  series.studyInstanceUid = "1.2.3";
  series.studyDate = "20221208";
  series.seriesInstanceUid = seriesUid;
  series.seriesNumber = "4";
  series.modality = modality;
  series.description = "CT Body 3.0";
  series.imageType = "ORIGINAL\\PRIMARY\\AXIAL";
  for (std::size_t n = 0; n < files; ++n) {
    series.files.push_back(folder + "/IM" + std::to_string(n));
  }
  return series;
}

std::map<std::string, Json> rowsByUid(const SeriesSelection& selection) {
  std::map<std::string, Json> rows;
  for (const auto& row : selection.series) {
    rows[row["series_instance_uid"]] = row;
  }
  return rows;
}

std::string errorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(DicomExport, CaseIdsNameThePatientStudyAndSeriesSafelyAndDeterministically) {
  const DicomSeriesRecord series = record("/export/a", "1.2.3.4", "CT", 20);
  const std::string id = seriesCaseId(series);
  EXPECT_EQ(id, "PAT-1---_20221208-" + sha256Hex("1.2.3").substr(0, 8) + "_s4-" + sha256Hex("1.2.3.4").substr(0, 8));
  EXPECT_EQ(caseIdProblem(id), "");
  EXPECT_EQ(safeNamePart(""), "unknown");
  EXPECT_EQ(safeNamePart("../.."), "unknown");
  EXPECT_EQ(safeNamePart(".hidden"), "-hidden");
  EXPECT_EQ(safeNamePart(std::string(40, 'x')).size(), 32u);
}

TEST(DicomExport, RulesPickTheSeriesAndGiveEachOtherOneItsReason) {
  std::vector<DicomSeriesRecord> series = {
      record("/export/p1/s1", "1.1", "CT", 20), record("/export/p1/s2", "1.2", "CT", 3),
      record("/export/p1/s3", "1.3", "CT", 20), record("/export/p2", "1.4", "MR", 20),
      record("/export/p2", "1.5", "SR", 1),     record("/export/p3", "1.6", "CT", 20)};
  series[2].imageType = "ORIGINAL\\PRIMARY\\LOCALIZER";
  series[4].hasPixels = false;
  series[5].description = "Lung 1.0 B70f";
  SeriesRules rules;
  rules.modalities = {"CT", "MR"};
  rules.descriptionPattern = "body";
  const SeriesSelection selection = selectSeries("/export", series, rules);
  auto rows = rowsByUid(selection);
  ASSERT_EQ(selection.cases.size(), 2u);
  EXPECT_TRUE(rows["1.1"]["selected"].get<bool>());
  EXPECT_TRUE(rows["1.4"]["selected"].get<bool>());
  EXPECT_EQ(rows["1.2"]["reason"], "3 images, fewer than --min-slices 10 (a scout or a partial series)");
  EXPECT_EQ(rows["1.3"]["reason"], "a localizer (ImageType ORIGINAL\\PRIMARY\\LOCALIZER)");
  EXPECT_EQ(rows["1.5"]["reason"], "not an image (no Rows/Columns: a report, structure set or other non-image object)");
  EXPECT_EQ(rows["1.6"]["reason"], "description \"Lung 1.0 B70f\" does not match --series-description body");
  for (const auto& spec : selection.cases) {
    EXPECT_EQ(spec.files.size(), 20u);
    if (spec.seriesUid == "1.1") {
      EXPECT_EQ(spec.input, "/export/p1/s1");  // the series' own folder
      EXPECT_EQ(spec.id, rows["1.1"]["case_id"]);
    } else {
      EXPECT_EQ(spec.input, "/export/p2");  // a folder shared with the report
    }
  }

  rules.modalities = {"CT"};
  rules.modelModalities = {"CT"};
  rules.descriptionPattern.clear();
  rows = rowsByUid(selectSeries("/export", series, rules));
  EXPECT_EQ(rows["1.4"]["reason"], "modality MR is not one of --modality CT");
  rules.modalities.clear();
  rows = rowsByUid(selectSeries("/export", series, rules));
  EXPECT_EQ(rows["1.4"]["reason"], "modality MR does not suit the model, which takes CT");
  EXPECT_TRUE(rows["1.6"]["selected"].get<bool>());
}

TEST(DicomExport, AnInvalidDescriptionPatternIsAUsageError) {
  SeriesRules rules;
  rules.descriptionPattern = "(unclosed";
  try {
    selectSeries("/export", {record("/export", "1.1", "CT", 20)}, rules);
    ADD_FAILURE() << "expected a usage error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::Usage);
    EXPECT_NE(std::string(error.what()).find("--series-description: '(unclosed' is not a regular expression"),
              std::string::npos);
  }
}

TEST(DicomExport, ADicomDirMarksAnExport) {
  TemporaryDirectory dir;
  writeFile(dir.file("plain/IM1"), "x");
  writeFile(dir.file("export/DICOMDIR"), "x");
  EXPECT_FALSE(holdsDicomDir(dir.file("plain")));
  EXPECT_TRUE(holdsDicomDir(dir.file("export")));
}

// The batch program over an export, with a scanner standing in for GDCM: cases named by patient, study and
// series, each reading only its series' files, and every series in the summary with its reason.
TEST(DicomExport, BatchSegmentsTheSelectedSeriesAndReportsEveryOne) {
  TemporaryDirectory dir;
  std::vector<DicomSeriesRecord> series = {record(dir.file("in/flat"), "1.1", "CT", 12),
                                           record(dir.file("in/flat"), "1.2", "CT", 2)};
  for (const auto& one : series) {
    for (const auto& file : one.files) {
      writeFile(file, one.seriesInstanceUid + " " + file);
    }
  }
  const DicomExportScanner scanner = [&](const std::string& folder) {
    EXPECT_EQ(folder, dir.file("in"));
    return series;
  };
  WorkerRegistry workers;
  workers.add(checksumWorkerType());
  const std::vector<std::string> arguments = {"--worker",      "test-checksum", "--input",
                                              dir.file("in"),  "--output-dir",  dir.file("out"),
                                              "--pacs-export", "--log-level",   "error"};
  ASSERT_EQ(batchMain(arguments, workers, scanner), 0);
  const std::string id = seriesCaseId(series[0]);
  const std::string output = test::readFile(dir.file("out/" + id + ".sha256"));
  EXPECT_EQ(std::count(output.begin(), output.end(), '\n'), 13);  // the model line and the series' 12 files
  EXPECT_EQ(output.find("IM11\n") != std::string::npos, true);
  const Json summary = readJsonFile(dir.file("out/skipseg-summary.json"));
  EXPECT_EQ(summary["counts"]["total"], 1);
  ASSERT_EQ(summary["dicom_export"]["series"].size(), 2u);
  EXPECT_EQ(summary["dicom_export"]["series"][1]["reason"],
            "2 images, fewer than --min-slices 10 (a scout or a partial series)");
  EXPECT_EQ(summary["dicom_export"]["rules"]["min_slices"], 10);
  // A rerun finds the case current: its fingerprint covers only its own files.
  ASSERT_EQ(batchMain(arguments, workers, scanner), 0);
  EXPECT_EQ(readJsonFile(dir.file("out/skipseg-summary.json"))["counts"]["skipped"], 1);

  // Shards share the selection; the merged summary keeps it.
  for (const std::string shard : {"0/2", "1/2"}) {
    std::vector<std::string> sharded = arguments;
    sharded[5] = dir.file("sharded");
    sharded.insert(sharded.end(), {"--shard", shard});
    ASSERT_EQ(batchMain(sharded, workers, scanner), 0);
  }
  ASSERT_EQ(batchMain({"--merge", dir.file("sharded/skipseg-summary.shard-0-of-2.json"),
                       dir.file("sharded/skipseg-summary.shard-1-of-2.json"), "--summary", dir.file("merged.json"),
                       "--log-level", "error"},
                      workers, scanner),
            0);
  EXPECT_EQ(readJsonFile(dir.file("merged.json"))["dicom_export"], summary["dicom_export"]);

  // A DICOMDIR at the top turns the export reading on by itself.
  writeFile(dir.file("in/DICOMDIR"), "directory records");
  std::vector<std::string> withoutFlag = arguments;
  withoutFlag.erase(std::find(withoutFlag.begin(), withoutFlag.end(), "--pacs-export"));
  withoutFlag[5] = dir.file("out3");
  ASSERT_EQ(batchMain(withoutFlag, workers, scanner), 0);
  EXPECT_TRUE(fs::exists(dir.file("out3/" + id + ".sha256")));
  fs::remove(dir.file("in/DICOMDIR"));

  // Series rules without --pacs-export (and no DICOMDIR) are a usage error, before the model is looked at.
  EXPECT_EQ(batchMain({"--worker", "test-checksum", "--input", dir.file("in"), "--output-dir", dir.file("out2"),
                       "--model", dir.file("no-such-model"), "--modality", "CT", "--log-level", "error"},
                      workers, scanner),
            2);
}

}  // namespace
}  // namespace skipseg::batch
