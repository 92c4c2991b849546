#include "DcmtkSupport.h"

#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/OutputCheck.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/oflog/oflog.h>

#include <cstdio>
#include <ctime>
#include <mutex>

namespace skipseg::dicomobjects {

void quietDcmtkWarnings() {
  static std::once_flag once;
  std::call_once(once, [] { OFLog::configure(OFLogger::ERROR_LOG_LEVEL); });
}

void checkDcmtk(const OFCondition& condition, const std::string& path, const std::string& what) {
  if (condition.bad()) {
    throw outputFailed(path, what + ": " + condition.text());
  }
}

std::string newUid() {
  char buffer[100];
  dcmGenerateUniqueIdentifier(buffer, SITE_INSTANCE_UID_ROOT);
  return buffer;
}

std::string decimalString(double value) {
  if (value == 0.0) {  // also turns -0 into "0"
    return "0";
  }
  char text[64];
  for (int digits = 15; digits > 0; --digits) {
    std::snprintf(text, sizeof(text), "%.*g", digits, value);
    if (std::string(text).size() <= 16) {
      break;
    }
  }
  return text;
}

std::string decimalStrings(const double* values, std::size_t count) {
  std::string text;
  for (std::size_t index = 0; index < count; ++index) {
    text += (index ? "\\" : "") + decimalString(values[index]);
  }
  return text;
}

std::unique_ptr<DcmFileFormat> loadSourceInstance(const std::string& file) {
  auto source = std::make_unique<DcmFileFormat>();
  const OFCondition status = source->loadFile(file.c_str());
  if (status.bad()) {
    throw badInput(file, std::string("cannot read the source DICOM instance: ") + status.text());
  }
  return source;
}

std::string positionReferenceIndicator(DcmFileFormat& source) {
  OFString value;
  source.getDataset()->findAndGetOFString(DCM_PositionReferenceIndicator, value);
  return value.c_str();
}

namespace {
std::string localTime(const char* format) {
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  localtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof(text), format, &parts);
  return text;
}
}  // namespace

std::string dicomDate() {
  return localTime("%Y%m%d");
}

std::string dicomTime() {
  return localTime("%H%M%S");
}

void saveAtomically(const std::string& path, const std::function<OFCondition(const std::string&)>& save) {
  AtomicOutput output(path);
  const OFCondition status = save(output.temporaryPath());
  if (status.bad()) {
    const std::string reason = writeFailureReason(path);
    throw outputFailed(path, reason.empty() ? std::string("DCMTK could not write it: ") + status.text() : reason);
  }
  output.commit();
}

}  // namespace skipseg::dicomobjects
