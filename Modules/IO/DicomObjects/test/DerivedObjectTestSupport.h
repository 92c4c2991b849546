#pragma once
// What the SEG and RTSTRUCT tests share: a synthetic oblique series, label shapes with islands and holes,
// and reading the objects back with pydicom (independent of DCMTK, which wrote them)
// onto the series' grid, frame by frame from each frame's position and contour by contour (even-odd fill).
// dciodvfy's verdict: skipseg/testing/DicomChecks.h.
#include "skipseg/io/ImageInfo.h"
#include "skipseg/io/ImageTypes.h"

#include <map>
#include <string>
#include <vector>

namespace skipseg::dicomobjects::testing {

/// `slices` oblique CT slices of columns x rows pixels (0.5 x 0.75 mm, 2.5 mm apart), one series.
void writeObliqueSeries(const std::string& folder, unsigned columns, unsigned rows, unsigned slices);

/// On `like`'s grid: label 1 a ring (a hole in it) on the middle slices, label 2 two islands on
/// every slice, label 5 a checkerboard corner (diagonal neighbours) on the first slice; 0 elsewhere.
LabelImage::Pointer paintShapes(const LabelImage& like);

struct ReadBack {
  LabelImage::Pointer labels;         ///< on the reference grid
  std::vector<std::string> problems;  ///< anything that did not fit (empty when all is well)
  std::map<int, std::string> names;   ///< label -> segment or ROI name
  std::size_t frames = 0;             ///< SEG frames or RTSTRUCT contours read
  double largestPlaneDistanceMm = 0;  ///< RTSTRUCT: farthest contour point from its slice's plane
};

/// The SEG read back with pydicom and placed on `grid` by each frame's ImagePositionPatient; frames must
/// reference the instance of their slice.
ReadBack readSegmentationBack(const std::string& file, const LabelImage& grid, const io::DicomSourceIdentity& source);

/// The RTSTRUCT read back with pydicom and rasterised on `grid`: each contour onto its slice, pixel centres
/// inside an odd number of a ROI's contours of that slice take the ROI's label.
ReadBack readRtStructureSetBack(const std::string& file, const LabelImage& grid, const io::DicomSourceIdentity& source);

/// Dice of `label` between two label maps on one grid (1 when both lack it).
double dice(const LabelImage& a, const LabelImage& b, LabelValue label);

/// Count of voxels that differ.
std::size_t differingVoxels(const LabelImage& a, const LabelImage& b);

}  // namespace skipseg::dicomobjects::testing
