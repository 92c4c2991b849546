#include "SliceContours.h"

#include <itkContourExtractor2DImageFilter.h>

#include <algorithm>
#include <cmath>

namespace skipseg::dicomobjects {
namespace {

using Mask = itk::Image<float, 2>;
using Point2 = std::array<double, 2>;

// True when `point` lies on the straight segment from `before` to `after`, going the same way.
bool onStraightRun(const Point2& before, const Point2& point, const Point2& after) {
  const double ax = point[0] - before[0], ay = point[1] - before[1];
  const double bx = after[0] - point[0], by = after[1] - point[1];
  return std::abs(ax * by - ay * bx) < 1e-9 && ax * bx + ay * by > 0;
}

std::vector<Point2> withoutStraightRuns(const std::vector<Point2>& points) {
  std::vector<Point2> kept;
  const std::size_t n = points.size();
  for (std::size_t index = 0; index < n; ++index) {
    if (!onStraightRun(points[(index + n - 1) % n], points[index], points[(index + 1) % n])) {
      kept.push_back(points[index]);
    }
  }
  return kept;
}

}  // namespace

std::vector<Contour> sliceContours(const LabelImage& labels, LabelValue label, std::size_t slice) {
  const auto size = labels.GetLargestPossibleRegion().GetSize();
  const std::size_t columns = size[0], rows = size[1];
  const LabelValue* voxels = labels.GetBufferPointer() + slice * rows * columns;
  // The label's bounding box on this slice, so the contour search covers only what it must.
  std::size_t iMin = columns, iMax = 0, jMin = rows, jMax = 0;
  for (std::size_t j = 0; j < rows; ++j) {
    for (std::size_t i = 0; i < columns; ++i) {
      if (voxels[j * columns + i] == label) {
        iMin = std::min(iMin, i), iMax = std::max(iMax, i), jMin = std::min(jMin, j), jMax = std::max(jMax, j);
      }
    }
  }
  if (iMin > iMax) {
    return {};
  }
  // The box with a one-pixel border of background, so every contour closes inside the image.
  auto mask = Mask::New();
  Mask::RegionType region;
  region.SetSize({{iMax - iMin + 3, jMax - jMin + 3}});
  mask->SetRegions(region);
  mask->Allocate();
  mask->FillBuffer(0.0f);
  for (std::size_t j = jMin; j <= jMax; ++j) {
    for (std::size_t i = iMin; i <= iMax; ++i) {
      if (voxels[j * columns + i] == label) {
        mask->SetPixel(
            {{static_cast<itk::IndexValueType>(i - iMin + 1), static_cast<itk::IndexValueType>(j - jMin + 1)}}, 1.0f);
      }
    }
  }
  auto extractor = itk::ContourExtractor2DImageFilter<Mask>::New();
  extractor->SetInput(mask);
  extractor->SetContourValue(0.5);
  extractor->Update();

  std::vector<Contour> contours;
  for (unsigned output = 0; output < extractor->GetNumberOfIndexedOutputs(); ++output) {
    const auto& vertices = extractor->GetOutput(output)->GetVertexList()->CastToSTLConstContainer();
    std::vector<Point2> points;
    for (const auto& vertex : vertices) {  // index space of the mask (origin 0, spacing 1)
      points.push_back({{vertex[0] + static_cast<double>(iMin) - 1.0, vertex[1] + static_cast<double>(jMin) - 1.0}});
    }
    if (points.size() > 1 && points.front() == points.back()) {
      points.pop_back();  // closed: DICOM's CLOSED_PLANAR joins the last point to the first itself
    }
    points = withoutStraightRuns(points);
    if (points.size() < 3) {
      continue;
    }
    Contour contour;
    for (const auto& point : points) {
      itk::ContinuousIndex<double, 3> index;
      index[0] = point[0];
      index[1] = point[1];
      index[2] = static_cast<double>(slice);
      itk::Point<double, 3> world;
      labels.TransformContinuousIndexToPhysicalPoint(index, world);
      contour.push_back({{world[0], world[1], world[2]}});
    }
    contours.push_back(std::move(contour));
  }
  return contours;
}

}  // namespace skipseg::dicomobjects
