#pragma once
// Internal: registering the ITK image IO factories SkipSeg supports, and naming formats by extension.
#include <string>

namespace skipseg::io::detail {

/// Registers the NIfTI, NRRD, MetaImage and GDCM factories once per process (the build does not use
/// ITK's use-file, which would register them through static initialisers).
void registerImageIOFactories();

/// "NIfTI", "NRRD" or "MetaImage": the writable format the registry (ImageFormats.h) gives the file
/// name's extension; empty for anything else.
std::string formatOfFileName(const std::string& path);

/// ITK's exception text reduced to its description (no file/line), on one line.
std::string describeItkError(const std::exception& error);

}  // namespace skipseg::io::detail
