#pragma once
// The one registry of image formats SkipSeg reads and writes. Every program, the batch case scan, the
// sidecar naming and the Slicer module descriptions ask it, so that a format is added in one place.
// Free of ITK so that any module can ask which files are images.
#include <string>
#include <vector>

namespace skipseg::io {

struct ImageFormat {
  std::string name;                     ///< "NIfTI", "NRRD", "MetaImage", "DICOM" (ImageInfo::format)
  std::vector<std::string> extensions;  ///< lower case, as listed in messages; matched case-insensitively
  /// The extensions whose file is a header naming a second file with the voxels (.nhdr, .mhd).
  std::vector<std::string> detachedHeaderExtensions;
  bool writable = false;                ///< SkipSeg writes images (labels, probabilities) in it
  bool componentNamesInHeader = false;  ///< per-component names fit in the header (else a sidecar file)
  bool readsFolders = false;            ///< a folder is read as one image (a DICOM series)
};

/// Every format, in the order messages list them: NIfTI, NRRD, MetaImage, DICOM.
const std::vector<ImageFormat>& imageFormats();

/// The format a file name's extension names (case-insensitive, longest extension first); nullptr for
/// none. DICOM files need not carry an extension: the reader also recognises them by content.
const ImageFormat* imageFormatOfPath(const std::string& path);

/// True for a file name with the extension of a format SkipSeg writes.
bool isWritableImagePath(const std::string& path);

/// True for a file name a folder scan takes for an image (the extensions of the writable formats).
bool hasImageFileExtension(const std::string& path);

/// True when the file name is a header whose voxels live in a second file (.nhdr, .mhd).
bool hasDetachedData(const std::string& path);

/// Every file extension of the writable formats, e.g. ".nii.gz" (for scans of folders).
std::vector<std::string> imageFileExtensions();

/// The single-file extensions Slicer may hand a CLI module, its own default (.nrrd) first.
std::vector<std::string> slicerImageExtensions();

/// `path` without its image extension ("a/case.nii.gz" -> "a/case"); unchanged when it has none.
std::string withoutImageExtension(const std::string& path);

/// For messages: ".nii, .nii.gz, .nrrd, .nhdr, .mha or .mhd".
std::string describeWritableExtensions();

/// For messages: the writable extensions, "or a DICOM folder" (or file).
std::string describeReadableInputs();

}  // namespace skipseg::io
