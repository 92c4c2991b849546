#include "skipseg/batch/CaseDiscovery.h"

#include "skipseg/core/Error.h"
#include "skipseg/io/ImageFormats.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

namespace fs = std::filesystem;

namespace skipseg::batch {
namespace {

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// "_0003": nnU-Net's suffix for channel 3.
std::string channelSuffix(int channel) {
  char text[16];
  std::snprintf(text, sizeof(text), "_%04d", channel);
  return text;
}

bool isHidden(const fs::path& path) {
  return path.filename().string().rfind('.', 0) == 0;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) {
    return "";
  }
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

// The data file a detached header names (NRRD "data file:", MetaImage "ElementDataFile ="), if one.
std::string detachedDataFile(const fs::path& header) {
  if (!io::hasDetachedData(header.string())) {
    return "";
  }
  const io::ImageFormat* format = io::imageFormatOfPath(header.string());
  const bool nrrd = format->name == "NRRD";
  std::ifstream in(header);
  std::string line;
  while (std::getline(in, line)) {
    if (nrrd && trim(line).empty()) {
      break;  // the NRRD header ends at the first blank line
    }
    const auto separator = line.find(nrrd ? ':' : '=');
    if (separator == std::string::npos) {
      continue;
    }
    const std::string key = lowercase(trim(line.substr(0, separator)));
    std::string value = trim(line.substr(separator + 1));
    if (nrrd && !value.empty() && value.front() == '=') {
      continue;  // "key:=value" lines are key/value pairs, not fields
    }
    const bool isDataKey = nrrd ? (key == "data file" || key == "datafile") : key == "elementdatafile";
    if (!isDataKey) {
      continue;
    }
    // LOCAL (MetaImage) keeps the data in the header; LIST and patterns name several files we do not follow.
    if (value.empty() || value == "LOCAL" || value.find(' ') != std::string::npos || value.rfind("LIST", 0) == 0) {
      return "";
    }
    const fs::path data(value);
    return (data.is_absolute() ? data : header.parent_path() / data).lexically_normal().string();
  }
  return "";
}

std::vector<fs::path> sortedEntries(const fs::path& folder) {
  std::vector<fs::path> entries;
  std::error_code error;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    entries.push_back(it->path());
  }
  if (error) {
    throw badInput(folder.string(), "cannot list the folder: " + error.message());
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

bool holdsDicomFiles(const std::vector<fs::path>& entries) {
  for (const auto& entry : entries) {
    std::error_code error;
    if (!isHidden(entry) && fs::is_regular_file(entry, error) && !isScanFileName(entry.filename().string()) &&
        isDicomFile(entry.string())) {
      return true;
    }
  }
  return false;
}

std::string caseIdFor(const fs::path& relative) {
  std::string id = io::withoutImageExtension(relative.generic_string());
  std::replace(id.begin(), id.end(), '/', '_');
  return id;
}

struct FolderScan {
  fs::path root;
  fs::path excluded;
  std::vector<CaseSpec> cases;
  std::map<std::string, std::string> inputById;

  void add(const fs::path& input) {
    CaseSpec spec;
    spec.id = caseIdFor(input.lexically_relative(root));
    spec.input = input.string();
    const auto [previous, inserted] = inputById.emplace(spec.id, spec.input);
    if (!inserted) {
      throw badInput(root.string(), "two scans have the case id \"" + spec.id + "\" (" + previous->second + " and " +
                                        spec.input + "); rename one or list the cases in a CSV manifest");
    }
    cases.push_back(std::move(spec));
  }

  void visit(const fs::path& folder) {
    const auto entries = sortedEntries(folder);
    if (folder != root && holdsDicomFiles(entries)) {
      add(folder);
      return;
    }
    for (const auto& entry : entries) {
      std::error_code error;
      if (isHidden(entry) || (!excluded.empty() && fs::equivalent(entry, excluded, error))) {
        continue;
      }
      if (fs::is_directory(entry, error)) {
        visit(entry);
      } else if (fs::is_regular_file(entry, error) && isScanFileName(entry.filename().string())) {
        add(entry);
      }
    }
  }
};

// Splits one CSV line into fields; "quoted, fields" may hold commas and "" for a quote.
std::vector<std::string> splitCsvLine(const std::string& line, const std::string& where) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  bool wasQuoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"' && trim(fields.back()).empty() && !wasQuoted) {
      fields.back().clear();
      quoted = true;
      wasQuoted = true;
    } else if (c == ',') {
      fields.emplace_back();
      wasQuoted = false;
    } else if (wasQuoted && c != ' ' && c != '\t' && c != '\r') {
      throw badInput(where, "text after a closing quote");
    } else if (!wasQuoted) {
      fields.back() += c;
    }
  }
  if (quoted) {
    throw badInput(where, "a quoted field is not closed");
  }
  for (auto& field : fields) {
    field = trim(field);
  }
  return fields;
}

}  // namespace

bool isScanFileName(const std::string& fileName) {
  return io::hasImageFileExtension(fileName);
}

bool isDicomFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char header[132];
  if (!in.read(header, sizeof(header))) {
    return false;
  }
  return header[128] == 'D' && header[129] == 'I' && header[130] == 'C' && header[131] == 'M';
}

std::string caseIdProblem(const std::string& id) {
  if (id.empty()) {
    return "the case id is empty";
  }
  if (id.front() == '.') {
    return "the case id \"" + id + "\" starts with '.'";
  }
  for (const unsigned char c : id) {
    if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) {
      return "the case id \"" + id + "\" is not a file name (no '/', '\\' or control characters)";
    }
  }
  return "";
}

std::vector<std::string> scanFiles(const std::string& input) {
  std::error_code error;
  const fs::path path(input);
  if (fs::is_directory(path, error)) {
    std::vector<std::string> files;
    for (const auto& entry : sortedEntries(path)) {
      if (!isHidden(entry) && fs::is_regular_file(entry, error)) {
        files.push_back(entry.string());
      }
    }
    if (files.empty()) {
      throw badInput(input, "the folder holds no files");
    }
    return files;
  }
  if (!fs::is_regular_file(path, error)) {
    throw badInput(input, fs::exists(path, error) ? "not a file or folder" : "no such file or folder");
  }
  std::vector<std::string> files = {input};
  const std::string data = detachedDataFile(path);
  if (!data.empty()) {
    files.push_back(data);
  }
  return files;
}

std::vector<std::string> caseFiles(const CaseSpec& spec) {
  std::vector<std::string> files = spec.files.empty() ? scanFiles(spec.input) : spec.files;
  for (const auto& channel : spec.extraInputs) {
    const auto channelFiles = scanFiles(channel);
    files.insert(files.end(), channelFiles.begin(), channelFiles.end());
  }
  return files;
}

std::vector<CaseSpec> discoverCases(const std::string& folder, const std::string& excludedFolder) {
  std::error_code error;
  if (!fs::is_directory(folder, error)) {
    throw badInput(folder, "not a folder");
  }
  FolderScan scan;
  scan.root = fs::path(folder);
  if (!excludedFolder.empty() && fs::exists(excludedFolder, error)) {
    scan.excluded = fs::path(excludedFolder);
  }
  if (holdsDicomFiles(sortedEntries(scan.root))) {
    // The input folder itself is a single DICOM series: one case named after the folder.
    CaseSpec spec;
    spec.id = fs::absolute(scan.root).lexically_normal().filename().string();
    if (spec.id.empty()) {
      spec.id = fs::absolute(scan.root).lexically_normal().parent_path().filename().string();
    }
    spec.input = folder;
    return {spec};
  }
  scan.visit(scan.root);
  std::sort(scan.cases.begin(), scan.cases.end(), [](const CaseSpec& a, const CaseSpec& b) { return a.id < b.id; });
  return scan.cases;
}

std::vector<CaseSpec> readManifest(const std::string& manifestPath) {
  std::ifstream in(manifestPath);
  if (!in) {
    throw badInput(manifestPath, "cannot read the manifest");
  }
  const fs::path base = fs::path(manifestPath).parent_path();
  auto resolve = [&](const std::string& path) {
    return fs::path(path).is_absolute() || base.empty() ? path : (base / path).lexically_normal().string();
  };
  std::vector<CaseSpec> cases;
  std::map<std::string, int> lineById;
  std::string line;
  int lineNumber = 0;
  while (std::getline(in, line)) {
    ++lineNumber;
    const std::string where = manifestPath + ":" + std::to_string(lineNumber);
    const std::string content = trim(line);
    if (content.empty() || content.front() == '#') {
      continue;
    }
    const auto fields = splitCsvLine(content, where);
    if (cases.empty() && lineById.empty() && fields.size() >= 2 && fields[0] == "case_id" && fields[1] == "input") {
      continue;  // the header
    }
    if (fields.size() < 2) {
      throw badInput(where, "expected at least 2 fields (case_id,input[,output[,channel 1,...]]), found " +
                                std::to_string(fields.size()));
    }
    if (const std::string problem = caseIdProblem(fields[0]); !problem.empty()) {
      throw badInput(where, problem);
    }
    if (fields[1].empty()) {
      throw badInput(where, "the input path is empty");
    }
    const auto [first, inserted] = lineById.emplace(fields[0], lineNumber);
    if (!inserted) {
      throw badInput(where,
                     "duplicate case id \"" + fields[0] + "\" (first on line " + std::to_string(first->second) + ")");
    }
    CaseSpec spec;
    spec.id = fields[0];
    spec.input = resolve(fields[1]);
    if (fields.size() >= 3 && !fields[2].empty()) {
      spec.output = resolve(fields[2]);
    }
    for (std::size_t column = 3; column < fields.size(); ++column) {
      if (fields[column].empty()) {
        throw badInput(
            where, "channel " + std::to_string(column - 2) + " (column " + std::to_string(column + 1) + ") is empty");
      }
      spec.extraInputs.push_back(resolve(fields[column]));
    }
    cases.push_back(std::move(spec));
  }
  if (in.bad()) {
    throw badInput(manifestPath, "read error");
  }
  if (cases.empty()) {
    throw badInput(manifestPath, "the manifest lists no cases");
  }
  std::sort(cases.begin(), cases.end(), [](const CaseSpec& a, const CaseSpec& b) { return a.id < b.id; });
  return cases;
}

std::vector<CaseSpec> groupChannelSuffixes(const std::vector<CaseSpec>& cases, int channels,
                                           const std::string& folder) {
  static const std::regex suffix("(.*)_([0-9]{4})");
  std::map<std::string, std::map<int, std::string>> inputsByCase;
  for (const auto& spec : cases) {
    std::smatch match;
    if (!std::regex_match(spec.id, match, suffix)) {
      throw badInput(folder, "the model takes " + std::to_string(channels) + " channels but " + spec.input +
                                 " is not named CASE_NNNN: name each case's images CASE_0000, CASE_0001, ... "
                                 "(nnU-Net's channel suffix) or list them in a CSV manifest");
    }
    const int channel = std::stoi(match[2].str());
    if (channel >= channels) {
      throw badInput(folder, spec.input + " is channel " + std::to_string(channel) + " but the model takes " +
                                 std::to_string(channels) + " channels (0 to " + std::to_string(channels - 1) + ")");
    }
    inputsByCase[match[1].str()][channel] = spec.input;
  }
  const bool anyComplete = std::any_of(inputsByCase.begin(), inputsByCase.end(), [&](const auto& entry) {
    return entry.second.size() == static_cast<std::size_t>(channels);
  });
  if (!anyComplete) {
    throw badInput(folder, "the model takes " + std::to_string(channels) +
                               " channels but no case has them all (CASE_0000 to CASE_" +
                               channelSuffix(channels - 1).substr(1) + ")");
  }
  std::vector<CaseSpec> grouped;
  for (const auto& [id, inputs] : inputsByCase) {
    // A missing channel keeps the path it should have: that case then fails alone, naming the file.
    const auto& [someChannel, somePath] = *inputs.begin();
    const auto pathOf = [&](int channel) {
      const auto found = inputs.find(channel);
      if (found != inputs.end()) {
        return found->second;
      }
      const fs::path present(somePath);
      std::string name = present.filename().string();
      name.replace(name.rfind(channelSuffix(someChannel)), 5, channelSuffix(channel));
      return (present.parent_path() / name).string();
    };
    CaseSpec spec;
    spec.id = id;
    spec.input = pathOf(0);
    for (int channel = 1; channel < channels; ++channel) {
      spec.extraInputs.push_back(pathOf(channel));
    }
    grouped.push_back(std::move(spec));
  }
  return grouped;
}

void checkChannelCount(const std::vector<CaseSpec>& cases, int channels, const std::string& input) {
  for (const auto& spec : cases) {
    const auto given = 1 + spec.extraInputs.size();
    if (given != static_cast<std::size_t>(channels)) {
      throw badInput(input, "case " + spec.id + " has " + std::to_string(given) + " image(s) but the model takes " +
                                std::to_string(channels) + " channel(s)" +
                                (channels > 1 ? " (list every channel in the manifest's columns 4 and on)" : ""));
    }
  }
}

std::vector<CaseSpec> findCases(const std::string& input, const std::string& outputFolder, int channels) {
  std::error_code error;
  if (fs::is_directory(input, error)) {
    auto cases = discoverCases(input, outputFolder);
    if (cases.empty()) {
      throw badInput(input, "no scans found (" + io::describeWritableExtensions() + " files or DICOM series folders)");
    }
    return channels > 1 ? groupChannelSuffixes(cases, channels, input) : cases;
  }
  if (!fs::exists(input, error)) {
    throw badInput(input, "no such file or folder");
  }
  if (lowercase(fs::path(input).extension().string()) != ".csv") {
    throw badInput(input, "expected a folder of scans or a CSV manifest (.csv)");
  }
  auto cases = readManifest(input);
  checkChannelCount(cases, channels, input);
  return cases;
}

}  // namespace skipseg::batch
