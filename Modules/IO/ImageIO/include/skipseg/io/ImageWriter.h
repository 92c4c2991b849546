#pragma once
// Writing images atomically: everything goes to temporaries in the target folder and is renamed into
// place at the end, so a failed run leaves no output (see Documentation/ImageIO.md for .nhdr/.mhd,
// whose voxels live in a second file).
#include "skipseg/core/VoxelBuffer.h"
#include "skipseg/io/ComponentLabels.h"
#include "skipseg/io/ImageFormats.h"
#include "skipseg/io/ImageTypes.h"

#include <string>

namespace skipseg::io {

/// Voxel type of a written intensity image.
enum class PixelTypeHint {
  Float32,  ///< always float32
  UInt8,    ///< the named integer type when every value is an integer that fits; float32 otherwise
  Int16,
  UInt16,
  Int32,
  Automatic,  ///< the smallest of uint8, int16, uint16, int32 that holds integer values; float32 otherwise
};

/// "uint8", "int16", ... (ImageInfo::pixelType) to the hint that keeps that type; Automatic when unknown.
PixelTypeHint pixelTypeHintFor(const std::string& storedPixelType);

/// Checks before any work that `path` names a format SkipSeg writes (else Unsupported) and can be created
/// (else OutputFailed with the OS reason: a folder that takes no files, a file where a folder must be).
void checkImageOutput(const std::string& path);

/// Formats are chosen by extension through the registry (ImageFormats.h). Throws Unsupported for others,
/// OutputFailed when the file cannot be written.
void writeImage(const FloatImage* image, const std::string& path, PixelTypeHint hint = PixelTypeHint::Float32);

/// Writes labels as uint8 when the largest label is at most 255, as uint16 otherwise.
void writeLabelImage(const LabelImage* labels, const std::string& path);

/// Writes every channel of `buffer` as one float32 image with one component per channel (e.g.
/// per-class probabilities), on the buffer's geometry. Same formats and atomicity as writeImage.
/// `components` (one per channel, or none) name what each component stands for: in the header, or for
/// NIfTI in componentLabelsSidecarPath(path), written after the image (ComponentLabels.h).
void writeMultiChannelImage(const VoxelBuffer& buffer, const std::string& path,
                            const std::vector<ComponentLabel>& components = {});

}  // namespace skipseg::io
