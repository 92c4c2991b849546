// Resident memory from /proc/self/status (Linux): VmRSS now, VmHWM the high-water mark of the process.
#include "SegmentationBenchmark.h"

#include <fstream>
#include <sstream>

namespace skipseg::benchmarks {
namespace {

double statusFieldMiB(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.compare(0, field.size() + 1, field + ":") == 0) {
      std::istringstream values(line.substr(field.size() + 1));
      double kib = -1;
      values >> kib;
      return kib < 0 ? -1 : kib / 1024.0;
    }
  }
  return -1;
}

}  // namespace

double residentMiB() {
  return statusFieldMiB("VmRSS");
}

double peakResidentMiB() {
  return statusFieldMiB("VmHWM");
}

}  // namespace skipseg::benchmarks
