#include "skipseg/batch/Journal.h"

#include "skipseg/core/Error.h"
#include "skipseg/core/Logging.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <vector>

namespace fs = std::filesystem;

namespace skipseg::batch {
namespace {

constexpr const char* kJournalPrefix = "skipseg-journal";
constexpr const char* kJournalSuffix = ".jsonl";

bool isJournalFile(const fs::path& path) {
  const std::string name = path.filename().string();
  return name.rfind(kJournalPrefix, 0) == 0 && name.size() > std::strlen(kJournalSuffix) &&
         name.compare(name.size() - std::strlen(kJournalSuffix), std::string::npos, kJournalSuffix) == 0;
}

}  // namespace

Json JournalEntry::toJson() const {
  Json json = Json::object();
  json["case_id"] = caseId;
  json["input"] = input;
  json["output"] = output;
  json["input_fingerprint"] = inputFingerprint;
  json["model_fingerprint"] = modelFingerprint;
  json["options_fingerprint"] = optionsFingerprint;
  json["status"] = status;
  if (!error.empty()) {
    json["error"] = error;
  }
  json["output_size"] = outputSize;
  json["seconds"] = seconds;
  json["details"] = details;
  json["finished_at"] = finishedAt;
  return json;
}

JournalEntry JournalEntry::fromJson(const Json& json) {
  JournalEntry entry;
  entry.caseId = json.at("case_id").get<std::string>();
  entry.input = json.value("input", "");
  entry.output = json.value("output", "");
  entry.inputFingerprint = json.value("input_fingerprint", "");
  entry.modelFingerprint = json.value("model_fingerprint", "");
  entry.optionsFingerprint = json.value("options_fingerprint", "");
  entry.status = json.at("status").get<std::string>();
  entry.error = json.value("error", "");
  entry.outputSize = json.value("output_size", static_cast<std::int64_t>(-1));
  entry.seconds = json.value("seconds", Json::object());
  entry.details = json.value("details", Json::object());
  entry.finishedAt = json.value("finished_at", "");
  return entry;
}

std::string journalFileName(int shardIndex, int shardCount) {
  if (shardCount <= 1) {
    return std::string(kJournalPrefix) + kJournalSuffix;
  }
  return std::string(kJournalPrefix) + ".shard-" + std::to_string(shardIndex) + "-of-" + std::to_string(shardCount) +
         kJournalSuffix;
}

Journal::Journal(const std::string& folder, const std::string& fileName) {
  std::error_code error;
  fs::create_directories(folder, error);
  if (error || !fs::is_directory(folder)) {
    throw outputFailed(folder, "cannot create the output folder" + (error ? ": " + error.message() : std::string()));
  }
  std::vector<fs::path> journals;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    if (isJournalFile(it->path())) {
      journals.push_back(it->path());
    }
  }
  std::sort(journals.begin(), journals.end());
  for (const auto& journal : journals) {
    std::ifstream in(journal);
    std::string line;
    int lineNumber = 0;
    while (std::getline(in, line)) {
      ++lineNumber;
      if (line.empty()) {
        continue;
      }
      try {
        remember(JournalEntry::fromJson(Json::parse(line)));
      } catch (const std::exception&) {
        // A line cut short by a crash of the machine (not of the process: each line is one write()).
        spdlog::warn("{}:{}: not a journal entry, ignored", journal.string(), lineNumber);
      }
    }
  }
  path_ = (fs::path(folder) / fileName).string();
  descriptor_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (descriptor_ < 0) {
    throw outputFailed(path_, std::string("cannot open the journal: ") + std::strerror(errno));
  }
}

Journal::~Journal() {
  if (descriptor_ >= 0) {
    ::close(descriptor_);
  }
}

void Journal::remember(const JournalEntry& entry) {
  auto found = latest_.find(entry.caseId);
  if (found == latest_.end()) {
    latest_.emplace(entry.caseId, entry);
  } else if (entry.finishedAt >= found->second.finishedAt) {
    found->second = entry;
  }
}

const JournalEntry* Journal::latest(const std::string& caseId) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto found = latest_.find(caseId);
  return found == latest_.end() ? nullptr : &found->second;
}

void Journal::append(const JournalEntry& entry) {
  const std::string line = entry.toJson().dump() + "\n";
  std::lock_guard<std::mutex> lock(mutex_);
  // One write() per line: with O_APPEND a killed process leaves whole lines only.
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t result = ::write(descriptor_, line.data() + written, line.size() - written);
    if (result < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw outputFailed(path_, std::string("cannot append to the journal: ") + std::strerror(errno));
    }
    written += static_cast<std::size_t>(result);
  }
  if (::fsync(descriptor_) != 0) {
    throw outputFailed(path_, std::string("cannot sync the journal: ") + std::strerror(errno));
  }
  remember(entry);
}

std::string canonicalOutputPath(const std::string& path) {
  std::error_code error;
  const fs::path canonical = fs::weakly_canonical(fs::absolute(path, error), error);
  return error ? fs::absolute(path).lexically_normal().string() : canonical.string();
}

std::string redoReason(const JournalEntry* entry, const std::string& inputFingerprint,
                       const std::string& modelFingerprint, const std::string& optionsFingerprint,
                       const std::string& output) {
  if (entry == nullptr) {
    return "not done before";
  }
  if (entry->status != "done") {
    return "failed before";
  }
  if (entry->inputFingerprint != inputFingerprint) {
    return "input changed";
  }
  if (entry->modelFingerprint != modelFingerprint) {
    return "model changed";
  }
  if (entry->optionsFingerprint != optionsFingerprint) {
    return "options changed";
  }
  // The same file however it is spelled (relative or absolute, "out/" or "out", through links).
  if (entry->output != output && canonicalOutputPath(entry->output) != canonicalOutputPath(output)) {
    return "output path changed";
  }
  std::error_code error;
  if (!fs::is_regular_file(output, error)) {
    return "output missing";
  }
  if (entry->outputSize >= 0 && static_cast<std::int64_t>(fs::file_size(output, error)) != entry->outputSize) {
    return "output changed";
  }
  return "";
}

}  // namespace skipseg::batch
