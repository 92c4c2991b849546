#include "skipseg/batch/ChecksumWorker.h"

#include "skipseg/batch/CaseDiscovery.h"
#include "skipseg/batch/Fingerprint.h"
#include "skipseg/batch/Sha256.h"
#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/Error.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace skipseg::batch {
namespace {

struct ReadFiles final : PreparedCase {
  std::vector<std::pair<std::string, std::string>> contentsByName;
};

class ChecksumWorker final : public CaseWorker {
 public:
  explicit ChecksumWorker(const WorkerSettings& settings)
      : modelFingerprint_(modelFingerprint(settings.model)), delayMilliseconds_(readDelay(settings)) {}

  std::unique_ptr<PreparedCase> load(const CaseSpec& spec) override {
    auto files = std::make_unique<ReadFiles>();
    for (const auto& path : caseFiles(spec)) {
      std::ifstream in(path, std::ios::binary);
      std::stringstream bytes;
      bytes << in.rdbuf();
      if (!in) {
        throw badInput(path, "cannot read");
      }
      if (bytes.str().empty()) {
        throw badInput(path, "empty file");
      }
      files->contentsByName.emplace_back(fs::path(path).filename().string(), bytes.str());
    }
    return files;
  }

  Json process(PreparedCase& prepared, const CaseSpec&, const std::string& outputPath) override {
    auto& files = dynamic_cast<ReadFiles&>(prepared);
    std::string text = "model " + modelFingerprint_ + "\n";
    for (const auto& [name, contents] : files.contentsByName) {
      text += sha256Hex(contents) + "  " + name + "\n";
    }
    AtomicOutput output(outputPath);
    std::ofstream out(output.temporaryPath(), std::ios::binary);
    const std::size_t half = text.size() / 2;
    out.write(text.data(), static_cast<std::streamsize>(half));
    out.flush();
    std::this_thread::sleep_for(std::chrono::milliseconds(delayMilliseconds_));
    out.write(text.data() + half, static_cast<std::streamsize>(text.size() - half));
    out.close();
    if (!out) {
      throw outputFailed(outputPath, "write failed");
    }
    output.commit();
    return Json{{"files", files.contentsByName.size()}};
  }

 private:
  static long long readDelay(const WorkerSettings& settings) {
    const auto found = settings.options.find("checksum-delay");
    if (found == settings.options.end() || found->second.empty()) {
      return 0;
    }
    const long long delay = std::stoll(found->second.front());
    if (delay < 0) {
      throw usageError("--checksum-delay must not be negative");
    }
    return delay;
  }

  std::string modelFingerprint_;
  long long delayMilliseconds_;
};

}  // namespace

WorkerType checksumWorkerType() {
  WorkerType type;
  type.name = "test-checksum";
  type.description = "test worker: writes the SHA-256 of each input file (not a segmentation)";
  type.outputExtension = ".sha256";
  type.needsModel = false;
  cli::Parameter delay;
  delay.name = "checksum-delay";
  delay.kind = cli::ParameterKind::Integer;
  delay.help = "test-checksum only: milliseconds to wait while writing each output (to test interrupted runs).";
  delay.defaultValue = "0";
  delay.group = "test-checksum worker";
  delay.slicer = false;
  type.options.push_back(delay);
  type.optionsNotAffectingResults = {"checksum-delay"};
  type.create = [](const WorkerSettings& settings) { return std::make_unique<ChecksumWorker>(settings); };
  return type;
}

}  // namespace skipseg::batch
