#pragma once
// Internal: registering the ITK image IO factories SkipSeg supports, and naming formats by extension.
#include <string>

namespace skipseg::io::detail {

/// Registers the NIfTI, NRRD, MetaImage and GDCM factories once per process (the build does not use
/// ITK's use-file, which would register them through static initialisers).
void registerImageIOFactories();

/// "NIfTI", "NRRD" or "MetaImage" for a supported file name (by extension, case-insensitive);
/// empty for anything else.
std::string formatOfFileName(const std::string& path);

/// True for .nhdr and .mhd: the header names a second file that holds the voxels.
bool hasDetachedData(const std::string& path);

/// The list of supported extensions, for messages.
std::string supportedExtensions();

/// ITK's exception text reduced to its description (no file/line), on one line.
std::string describeItkError(const std::exception& error);

}  // namespace skipseg::io::detail
