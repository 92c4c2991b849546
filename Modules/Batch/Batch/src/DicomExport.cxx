#include "skipseg/batch/DicomExport.h"

#include "skipseg/batch/Sha256.h"
#include "skipseg/core/Error.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>

namespace fs = std::filesystem;

namespace skipseg::batch {
namespace {

std::string uppercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  return text;
}

std::string joined(const std::vector<std::string>& values) {
  std::string text;
  for (const auto& value : values) {
    text += (text.empty() ? "" : ",") + value;
  }
  return text;
}

bool listed(const std::vector<std::string>& values, const std::string& value) {
  return std::any_of(values.begin(), values.end(),
                     [&](const std::string& candidate) { return uppercase(candidate) == uppercase(value); });
}

// Scouts, topograms and localizers are marked in ImageType's third value and beyond (DICOM PS3.3 C.8.16.1).
bool isLocalizer(const std::string& imageType) {
  const std::string upper = uppercase(imageType);
  return upper.find("LOCALIZER") != std::string::npos;
}

// The deepest folder holding every file of the series: what the reader is given with the series UID.
std::string commonFolder(const std::vector<std::string>& files) {
  std::vector<fs::path> common;
  for (std::size_t index = 0; index < files.size(); ++index) {
    const fs::path folder = fs::path(files[index]).parent_path();
    const std::vector<fs::path> parts(folder.begin(), folder.end());
    if (index == 0) {
      common = parts;
      continue;
    }
    std::size_t shared = 0;
    while (shared < common.size() && shared < parts.size() && common[shared] == parts[shared]) {
      ++shared;
    }
    common.resize(shared);
  }
  fs::path result;
  for (const auto& part : common) {
    result /= part;
  }
  return result.string();
}

// Why a series is not segmented, or "" when every rule passes.
std::string reasonToSkip(const DicomSeriesRecord& series, const SeriesRules& rules, const std::regex* description) {
  if (!series.hasPixels) {
    return "not an image (no Rows/Columns: a report, structure set or other non-image object)";
  }
  if (isLocalizer(series.imageType)) {
    return "a localizer (ImageType " + series.imageType + ")";
  }
  if (!rules.modalities.empty() && !listed(rules.modalities, series.modality)) {
    return "modality " + (series.modality.empty() ? std::string("(none)") : series.modality) +
           " is not one of --modality " + joined(rules.modalities);
  }
  if (!rules.modelModalities.empty() && !listed(rules.modelModalities, series.modality)) {
    return "modality " + (series.modality.empty() ? std::string("(none)") : series.modality) +
           " does not suit the model, which takes " + joined(rules.modelModalities);
  }
  if (series.files.size() < rules.minimumFiles) {
    return std::to_string(series.files.size()) + " images, fewer than --min-slices " +
           std::to_string(rules.minimumFiles) + " (a scout or a partial series)";
  }
  if (description != nullptr && !std::regex_search(series.description, *description)) {
    return "description \"" + series.description + "\" does not match --series-description " + rules.descriptionPattern;
  }
  return "";
}

}  // namespace

std::string safeNamePart(const std::string& text, std::size_t maximum) {
  std::string safe;
  for (const unsigned char c : text) {
    if (safe.size() == maximum) {
      break;
    }
    const bool kept = std::isalnum(c) || c == '-' || (c == '.' && !safe.empty());
    safe += kept ? static_cast<char>(c) : '-';
  }
  const bool named = std::any_of(safe.begin(), safe.end(), [](unsigned char c) { return std::isalnum(c); });
  return named ? safe : "unknown";
}

std::string seriesCaseId(const DicomSeriesRecord& series) {
  const auto shortHash = [](const std::string& uid) { return sha256Hex(uid).substr(0, 8); };
  return safeNamePart(series.patientId) + "_" + safeNamePart(series.studyDate, 8) + "-" +
         shortHash(series.studyInstanceUid) + "_s" + safeNamePart(series.seriesNumber, 8) + "-" +
         shortHash(series.seriesInstanceUid);
}

bool holdsDicomDir(const std::string& folder) {
  std::error_code error;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    if (uppercase(it->path().filename().string()) == "DICOMDIR" && it->is_regular_file(error)) {
      return true;
    }
  }
  return false;
}

SeriesSelection selectSeries(const std::string& folder, const std::vector<DicomSeriesRecord>& series,
                             const SeriesRules& rules) {
  SeriesSelection selection;
  selection.rules = {{"modalities", rules.modalities},
                     {"min_slices", rules.minimumFiles},
                     {"series_description", rules.descriptionPattern},
                     {"model_modalities", rules.modelModalities}};
  std::regex description;
  if (!rules.descriptionPattern.empty()) {
    try {
      description = std::regex(rules.descriptionPattern, std::regex::ECMAScript | std::regex::icase);
    } catch (const std::regex_error& error) {
      throw usageError("--series-description: '" + rules.descriptionPattern +
                       "' is not a regular expression: " + error.what());
    }
  }
  std::map<std::string, std::string> uidById;
  for (const auto& record : series) {
    const std::string id = seriesCaseId(record);
    const auto [previous, inserted] = uidById.emplace(id, record.seriesInstanceUid);
    if (!inserted) {
      throw badInput(folder, "two series have the case id \"" + id + "\" (" + previous->second + " and " +
                                 record.seriesInstanceUid + ")");
    }
    const std::string reason = reasonToSkip(record, rules, rules.descriptionPattern.empty() ? nullptr : &description);
    Json row = {{"case_id", id},
                {"patient_id", record.patientId},
                {"study_instance_uid", record.studyInstanceUid},
                {"study_date", record.studyDate},
                {"series_instance_uid", record.seriesInstanceUid},
                {"series_number", record.seriesNumber},
                {"modality", record.modality},
                {"description", record.description},
                {"image_type", record.imageType},
                {"files", record.files.size()},
                {"selected", reason.empty()}};
    if (!reason.empty()) {
      row["reason"] = reason;
    } else {
      CaseSpec spec;
      spec.id = id;
      spec.input = commonFolder(record.files);
      spec.seriesUid = record.seriesInstanceUid;
      spec.files = record.files;
      row["input"] = spec.input;
      selection.cases.push_back(std::move(spec));
    }
    selection.series.push_back(std::move(row));
  }
  std::sort(selection.cases.begin(), selection.cases.end(),
            [](const CaseSpec& a, const CaseSpec& b) { return a.id < b.id; });
  return selection;
}

}  // namespace skipseg::batch
