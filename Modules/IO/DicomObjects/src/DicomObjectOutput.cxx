#include "skipseg/core/Error.h"
#include "skipseg/core/OutputCheck.h"
#include "skipseg/dicomobjects/DerivedObjects.h"

namespace skipseg::dicomobjects {

void checkDicomObjectOutput(const std::string& path, const std::string& flag) {
  const std::string extension = ".dcm";
  if (path.size() <= extension.size() ||
      path.compare(path.size() - extension.size(), extension.size(), extension) != 0) {
    throw usageError(flag + " " + path + ": a DICOM object's file name must end in .dcm");
  }
  checkOutputFile(path);
}

}  // namespace skipseg::dicomobjects
