#pragma once
// DICOM objects derived from a label map lying on a DICOM series, for PACS, viewers (OHIF, 3D Slicer) and
// radiotherapy planning systems:
// - writeDicomSegmentation: a binary DICOM Segmentation (SEG), one segment per label present, each with its
//   name, colour (CIELab) and a coded category/type (SegmentDescriptions.h), one frame per segment and
//   source slice that holds the label, each frame referencing its source instance;
// - writeRtStructureSet: an RT Structure Set, one ROI per label present, closed planar contours per slice
//   in patient coordinates (islands and holes as separate contours: fill a slice's contours even-odd).
// Both copy the patient and study of the first source instance, take its Frame of Reference, get new
// Series and SOP Instance UIDs, name SkipSeg (version) and the model as their creator, and are written
// atomically (AtomicOutput: under an OutputTransaction they are rolled back with the other outputs).
// Encoding is DCMTK's (dcmseg, dcmrt). Errors: BadInput for labels off the series' grid, OutputFailed when
// the file cannot be written, Unsupported for a SEG of a label map without labels.
#include "skipseg/core/ModelDescription.h"
#include "skipseg/dicomobjects/DicomReference.h"
#include "skipseg/io/ImageTypes.h"

#include <string>
#include <vector>

namespace skipseg::dicomobjects {

struct DerivedObjectInfo {
  /// Names and colours by label value; labels it lacks are named "label_<id>" with defaultLabelColor.
  std::vector<LabelInfo> labels;
  std::string modelName;          ///< recorded as the algorithm that made the labels; may be empty
  std::string seriesDescription;  ///< of the new series; empty: "SkipSeg segmentation"
};

/// `labels` must lie on reference.grid (labelsOnReferenceGrid). `path` should end in ".dcm".
void writeDicomSegmentation(const LabelImage& labels, const DicomReference& reference, const DerivedObjectInfo& info,
                            const std::string& path);

void writeRtStructureSet(const LabelImage& labels, const DicomReference& reference, const DerivedObjectInfo& info,
                         const std::string& path);

/// Checks before any work that `path` can take a DICOM object: ".dcm" extension (else Usage naming `flag`)
/// and a folder that takes new files (else OutputFailed).
void checkDicomObjectOutput(const std::string& path, const std::string& flag);

}  // namespace skipseg::dicomobjects
