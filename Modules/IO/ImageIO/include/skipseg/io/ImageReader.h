#pragma once
// Reading any supported image into ITK's float or label image, geometry intact.
//
// Supported: NIfTI-1/NIfTI-2 (.nii, .nii.gz), NRRD (.nrrd, .nhdr), MetaImage (.mha, .mhd) and DICOM
// series (a folder). Every failure is a skipseg::Error with a one-line "PATH: problem" message:
// BadInput (3) for missing/corrupt/inconsistent input, Unsupported (5) for valid input SkipSeg does
// not handle (4D, several components, an unknown extension). Documentation/ImageIO.md lists them.
#include "skipseg/core/VoxelBuffer.h"
#include "skipseg/io/ComponentLabels.h"
#include "skipseg/io/ImageInfo.h"
#include "skipseg/io/ImageTypes.h"

#include <string>
#include <vector>

namespace skipseg::io {

/// DICOM series from a tilted CT gantry: parallel slices, each shifted in its plane along the table.
enum class GantryTilt {
  Resample,  ///< read onto a regular grid along the slice normal that covers the sheared stack (logged)
  Refuse     ///< stop with Unsupported, naming the shift and the angle
};

/// "resample" or "refuse" (the --gantry-tilt choices) as a GantryTilt; a usage error for anything else.
GantryTilt gantryTiltFromName(const std::string& name);

struct ReadOptions {
  /// DICOM: the SeriesInstanceUID to read; empty means "the only series in the folder".
  std::string seriesUid;
  /// DICOM: accept unevenly spaced slices by resampling them (linearly) onto a regular grid.
  bool allowUnevenSpacing = false;
  /// DICOM: when not empty, only these files under the folder are scanned (a series of a PACS export whose
  /// folder holds many others: skipseg-batch passes the files it found).
  std::vector<std::string> dicomFiles;
  /// DICOM: what to do with a gantry-tilted series; resampled by default, as dcm2niix and dicom2nifti do.
  GantryTilt gantryTilt = GantryTilt::Resample;
};

struct ReadResult {
  FloatImage::Pointer image;
  ImageInfo info;
};

/// Registers ITK's NIfTI, NRRD, MetaImage and GDCM image IO factories (once per process). The functions
/// here call it themselves; call it before using itk::ImageFileReader/Writer directly.
void registerImageIOFactories();

/// Reads a file or a DICOM folder as float voxels (DICOM rescale and NIfTI scaling applied).
ReadResult readImage(const std::string& path, const ReadOptions& options = {});

/// Reads integer labels; throws BadInput when a value is not an integer in 0..65535.
LabelImage::Pointer readLabelImage(const std::string& path, const ReadOptions& options = {});

struct MultiChannelReadResult {
  VoxelBuffer voxels;  ///< one channel per component, as float
  ImageInfo info;
  std::vector<ComponentLabel> components;  ///< what each component stands for; empty when the file does not say
};

/// Reads a file with one or more values per voxel (such as skipseg-segment's --probabilities).
MultiChannelReadResult readMultiChannelImage(const std::string& path);

/// Reads only what describes the image (format, pixel type, components) without its voxels.
/// For a DICOM folder this lists the series; it does not check the slices.
ImageInfo readImageInfo(const std::string& path);

}  // namespace skipseg::io
