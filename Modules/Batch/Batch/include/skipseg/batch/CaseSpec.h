#pragma once
#include <string>
#include <vector>

namespace skipseg::batch {

/// One unit of batch work: a scan (one file, a NIfTI/NRRD/MetaImage pair, or a DICOM series folder).
struct CaseSpec {
  std::string id;      ///< unique, stable, a safe file name; outputs are named after it
  std::string input;   ///< the scan file or the DICOM series folder
  std::string output;  ///< where the worker's result goes; empty: <output-dir>/<id><extension>
  /// Channels 1, 2, ... of a multi-channel model (`input` is channel 0): a manifest's fourth and later
  /// columns, or the files named <case>_0001, <case>_0002, ... beside <case>_0000 (nnU-Net's convention).
  std::vector<std::string> extraInputs;
  /// A series of a PACS export: its SeriesInstanceUID (`input` is a folder that may hold other series too)
  /// and its files, which are what the input fingerprint covers. Both empty for other cases.
  std::string seriesUid;
  std::vector<std::string> files;
};

}  // namespace skipseg::batch
