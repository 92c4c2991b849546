#pragma once
#include <string>

namespace skipseg::batch {

/// One unit of batch work: a scan (one file, a NIfTI/NRRD/MetaImage pair, or a DICOM series folder).
struct CaseSpec {
  std::string id;      ///< unique, stable, a safe file name; outputs are named after it
  std::string input;   ///< the scan file or the DICOM series folder
  std::string output;  ///< where the worker's result goes; empty: <output-dir>/<id><extension>
};

}  // namespace skipseg::batch
