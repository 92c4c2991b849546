#pragma once
// Internal: the closed planar contours of one label on one slice of a label map, in patient coordinates
// (LPS mm). Marching squares at 0.5 between pixel centres (ITK's ContourExtractor2DImageFilter), so every
// pixel centre of the label lies inside an odd number of contours and every other centre inside an even
// number: islands are separate contours, holes are contours inside them (fill even-odd). Vertices on
// straight runs are dropped; the shape is unchanged.
#include "skipseg/io/ImageTypes.h"

#include <array>
#include <vector>

namespace skipseg::dicomobjects {

using Contour = std::vector<std::array<double, 3>>;  ///< closed: the last point joins the first

std::vector<Contour> sliceContours(const LabelImage& labels, LabelValue label, std::size_t slice);

}  // namespace skipseg::dicomobjects
