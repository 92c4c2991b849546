#pragma once
// What a derived DICOM object (SEG, RTSTRUCT) is written against: the source series' identity (study,
// frame of reference, every instance and the volume slice it became) and the grid the reader put its
// voxels on. A label map is written only when it lies exactly on that grid: geometry is never resampled
// here (a SEG frame or a contour must sit on a source slice), it is refused with a clear error.
#include "skipseg/core/Error.h"
#include "skipseg/core/VoxelBuffer.h"
#include "skipseg/io/ImageInfo.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/ImageTypes.h"

#include <optional>
#include <string>

namespace skipseg::dicomobjects {

struct DicomReference {
  io::DicomSourceIdentity identity;
  ImageGeometry grid;  ///< the series as read (LPS), on which labels must lie
};

/// From a read that already happened (skipseg-segment's own input); empty when the input was not DICOM.
std::optional<DicomReference> dicomReferenceOf(const io::ImageInfo& info, const ImageGeometry& grid);

/// The usage error for DICOM outputs of a scan that is not DICOM when no --reference-series was given.
Error referenceSeriesNeeded(const std::string& scan);

/// Reads the DICOM series in `folder` (--reference-series); BadInput naming the folder when it is not a
/// readable DICOM series.
DicomReference readDicomReference(const std::string& folder, const io::ReadOptions& options = {});

/// Refuses (BadInput naming the series or the instance) what no derived object can reference: a series whose
/// volume slices were interpolated between instances (--allow-uneven-spacing, a resampled gantry tilt), and a
/// series whose Study,
/// Series, Frame of Reference or SOP Instance UIDs are missing (some anonymisers blank them).
void checkReferenceable(const DicomReference& reference);

/// The labels on the series' grid: permuted and flipped to the series' orientation when they are stored in
/// another one (no resampling: every voxel keeps its world position). BadInput naming `labelsName` when
/// they are not on the series' grid.
LabelImage::Pointer labelsOnReferenceGrid(const LabelImage& labels, const DicomReference& reference,
                                          const std::string& labelsName);

}  // namespace skipseg::dicomobjects
