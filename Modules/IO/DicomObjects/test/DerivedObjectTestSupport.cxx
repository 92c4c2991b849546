#include "DerivedObjectTestSupport.h"

#include "skipseg/testing/RunProgram.h"
#include "skipseg/testing/SyntheticDicom.h"
#include "skipseg/testing/TemporaryDirectory.h"
#include "skipseg/testing/TestData.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace skipseg::dicomobjects::testing {
namespace {

using Index = LabelImage::IndexType;

std::vector<std::string> linesOf(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    lines.push_back(line);
  }
  return lines;
}

skipseg::testing::ProgramResult runPython(const std::string& script, const std::vector<std::string>& arguments) {
  std::vector<std::string> all{skipseg::testing::sourcePath("Modules/IO/DicomObjects/test/" + script)};
  all.insert(all.end(), arguments.begin(), arguments.end());
  // Debian's python3 (with python3-pydicom), not whatever python3 comes first on PATH.
  return skipseg::testing::runProgram("/usr/bin/python3", all);
}

// An empty label map on `grid`'s grid, to paint what was read back onto.
LabelImage::Pointer blankLike(const LabelImage& grid) {
  auto labels = LabelImage::New();
  labels->CopyInformation(&grid);
  labels->SetRegions(grid.GetLargestPossibleRegion());
  labels->Allocate();
  labels->FillBuffer(0);
  return labels;
}

// The slice k whose instance has this SOP Instance UID, or -1.
long sliceOfInstance(const io::DicomSourceIdentity& source, const std::string& uid) {
  for (const auto& instance : source.instances) {
    if (instance.sopInstanceUid == uid && instance.sliceIndex) {
      return static_cast<long>(*instance.sliceIndex);
    }
  }
  return -1;
}

}  // namespace

void writeObliqueSeries(const std::string& folder, unsigned columns, unsigned rows, unsigned slices) {
  // Rows along a direction tilted about two axes, columns perpendicular to it.
  const double a = 0.35, b = 0.5;
  const std::array<double, 3> row{{std::cos(a), std::sin(a) * std::cos(b), std::sin(a) * std::sin(b)}};
  const std::array<double, 3> column{{-std::sin(a), std::cos(a) * std::cos(b), std::cos(a) * std::sin(b)}};
  const std::array<double, 3> normal{{row[1] * column[2] - row[2] * column[1], row[2] * column[0] - row[0] * column[2],
                                      row[0] * column[1] - row[1] * column[0]}};
  std::filesystem::create_directories(folder);
  for (unsigned n = 0; n < slices; ++n) {
    skipseg::testing::DicomSliceSpec spec;
    spec.orientation = {{row[0], row[1], row[2], column[0], column[1], column[2]}};
    spec.columns = columns;
    spec.rows = rows;
    for (int axis = 0; axis < 3; ++axis) {
      spec.position[axis] = -20.0 + 7.0 * axis + 2.5 * n * normal[axis];
    }
    spec.value = static_cast<short>(100 * n);
    skipseg::testing::writeDicomSlice(folder + "/slice" + std::to_string(n) + ".dcm", spec, static_cast<int>(n + 1));
  }
}

LabelImage::Pointer paintShapes(const LabelImage& like) {
  auto labels = blankLike(like);
  const auto size = labels->GetLargestPossibleRegion().GetSize();
  const double ci = size[0] / 2.0, cj = size[1] / 2.0;
  for (itk::IndexValueType k = 0; k < static_cast<itk::IndexValueType>(size[2]); ++k) {
    for (itk::IndexValueType j = 0; j < static_cast<itk::IndexValueType>(size[1]); ++j) {
      for (itk::IndexValueType i = 0; i < static_cast<itk::IndexValueType>(size[0]); ++i) {
        const double r = std::hypot(i - ci, j - cj);
        LabelValue value = 0;
        if (k >= 1 && k + 1 < static_cast<itk::IndexValueType>(size[2]) && r >= 3 && r <= 7 + k % 2) {
          value = 1;  // a ring: a hole in the middle
        } else if ((i >= 1 && i <= 3 && j >= 1 && j <= 2 + k % 3) ||
                   (i + 3 == static_cast<long>(size[0]) && j + 2 >= static_cast<long>(size[1]))) {
          value = 2;  // two islands
        } else if (k == 0 && ((i == 10 && j == 1) || (i == 11 && j == 2))) {
          value = 5;  // diagonal neighbours only
        }
        labels->SetPixel(Index{{i, j, k}}, value);
      }
    }
  }
  return labels;
}

ReadBack readSegmentationBack(const std::string& file, const LabelImage& grid, const io::DicomSourceIdentity& source) {
  skipseg::testing::TemporaryDirectory scratch;
  const std::string framesPath = scratch.file("frames.raw");
  const auto result = runPython("read_seg.py", {file, framesPath});
  ReadBack back;
  if (result.exitCode != 0) {
    back.problems.push_back("read_seg.py failed: " + result.standardError);
    return back;
  }
  back.labels = blankLike(grid);
  const auto size = grid.GetLargestPossibleRegion().GetSize();
  std::ifstream frames(framesPath, std::ios::binary);
  std::map<int, int> labelOfSegment;
  std::vector<unsigned char> frame(size[0] * size[1]);
  const auto direction = grid.GetDirection();
  const auto spacing = grid.GetSpacing();
  for (const auto& line : linesOf(result.standardOutput)) {
    std::istringstream words(line);
    std::string kind;
    words >> kind;
    if (kind == "orientation") {
      for (int axis = 0; axis < 2; ++axis) {
        for (int row = 0; row < 3; ++row) {
          double value = 0;
          words >> value;
          if (std::abs(value - direction[row][axis]) > 1e-6) {
            back.problems.push_back("orientation differs from the series': " + line);
          }
        }
      }
    } else if (kind == "spacing") {
      double rowSpacing = 0, columnSpacing = 0;
      words >> rowSpacing >> columnSpacing;
      if (std::abs(rowSpacing - spacing[1]) > 1e-6 || std::abs(columnSpacing - spacing[0]) > 1e-6) {
        back.problems.push_back("pixel spacing differs from the series': " + line);
      }
    } else if (kind == "size") {
      std::size_t rows = 0, columns = 0;
      words >> rows >> columns;
      if (rows != size[1] || columns != size[0]) {
        back.problems.push_back("frame size differs from the series': " + line);
      }
    } else if (kind == "segment") {
      int number = 0, label = 0;
      std::string name;
      words >> number >> label >> name;
      labelOfSegment[number] = label;
      back.names[label] = name;
    } else if (kind == "frame") {
      int number = 0;
      itk::Point<double, 3> position;
      std::string instance;
      words >> number >> position[0] >> position[1] >> position[2] >> instance;
      frames.read(reinterpret_cast<char*>(frame.data()), static_cast<std::streamsize>(frame.size()));
      ++back.frames;
      // Place the frame by its position alone: the slice whose first voxel lies there.
      itk::ContinuousIndex<double, 3> index;
      grid.TransformPhysicalPointToContinuousIndex(position, index);
      const long k = std::lround(index[2]);
      if (std::abs(index[0]) > 1e-4 || std::abs(index[1]) > 1e-4 || std::abs(index[2] - k) > 1e-4 || k < 0 ||
          k >= static_cast<long>(size[2])) {
        back.problems.push_back("frame position off the series' slices: " + line);
        continue;
      }
      if (sliceOfInstance(source, instance) != k) {
        back.problems.push_back("frame references another slice's instance: " + line);
      }
      for (std::size_t j = 0; j < size[1]; ++j) {
        for (std::size_t i = 0; i < size[0]; ++i) {
          if (frame[j * size[0] + i]) {
            back.labels->SetPixel(Index{{static_cast<long>(i), static_cast<long>(j), k}},
                                  static_cast<LabelValue>(labelOfSegment[number]));
          }
        }
      }
    }
  }
  return back;
}

ReadBack readRtStructureSetBack(const std::string& file, const LabelImage& grid,
                                const io::DicomSourceIdentity& source) {
  const auto result = runPython("read_rtstruct.py", {file});
  ReadBack back;
  if (result.exitCode != 0) {
    back.problems.push_back("read_rtstruct.py failed: " + result.standardError);
    return back;
  }
  back.labels = blankLike(grid);
  const auto size = grid.GetLargestPossibleRegion().GetSize();
  const auto spacing = grid.GetSpacing();
  std::map<int, int> labelOfRoi;
  // (roi, slice) -> contours in continuous index (i, j)
  std::map<std::pair<int, long>, std::vector<std::vector<std::array<double, 2>>>> polygons;
  for (const auto& line : linesOf(result.standardOutput)) {
    std::istringstream words(line);
    std::string kind;
    words >> kind;
    if (kind == "roi") {
      int number = 0, label = 0;
      std::string name;
      words >> number >> label >> name;
      labelOfRoi[number] = label;
      back.names[label] = name;
    } else if (kind == "contour") {
      int roi = 0;
      std::size_t count = 0;
      std::string instance, type;
      words >> roi >> instance >> type >> count;
      ++back.frames;
      if (type != "CLOSED_PLANAR") {
        back.problems.push_back("contour type " + type);
      }
      const long k = sliceOfInstance(source, instance);
      if (k < 0) {
        back.problems.push_back("contour references no slice of the series: " + instance);
        continue;
      }
      std::vector<std::array<double, 2>> polygon;
      for (std::size_t n = 0; n < count; ++n) {
        itk::Point<double, 3> point;
        words >> point[0] >> point[1] >> point[2];
        itk::ContinuousIndex<double, 3> index;
        grid.TransformPhysicalPointToContinuousIndex(point, index);
        back.largestPlaneDistanceMm = std::max(back.largestPlaneDistanceMm, std::abs(index[2] - k) * spacing[2]);
        polygon.push_back({{index[0], index[1]}});
      }
      if (!words) {
        back.problems.push_back("contour with fewer points than it says");
      }
      polygons[{roi, k}].push_back(polygon);
    }
  }
  // Even-odd fill: a pixel centre belongs to the ROI when a ray from it crosses the slice's contours an odd
  // number of times (holes and islands alike).
  for (const auto& [key, contours] : polygons) {
    const auto [roi, k] = key;
    for (std::size_t j = 0; j < size[1]; ++j) {
      std::vector<double> crossings;
      const double y = static_cast<double>(j);
      for (const auto& polygon : contours) {
        for (std::size_t n = 0; n < polygon.size(); ++n) {
          const auto& a = polygon[n];
          const auto& b = polygon[(n + 1) % polygon.size()];
          if ((a[1] > y) != (b[1] > y)) {
            crossings.push_back(a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1]));
          }
        }
      }
      std::sort(crossings.begin(), crossings.end());
      for (std::size_t n = 0; n + 1 < crossings.size(); n += 2) {
        for (long i = std::max(0L, static_cast<long>(std::ceil(crossings[n])));
             i <= std::min(static_cast<long>(size[0]) - 1, static_cast<long>(std::floor(crossings[n + 1]))); ++i) {
          back.labels->SetPixel(Index{{i, static_cast<long>(j), k}}, static_cast<LabelValue>(labelOfRoi[roi]));
        }
      }
    }
  }
  return back;
}

double dice(const LabelImage& a, const LabelImage& b, LabelValue label) {
  const std::size_t count = a.GetLargestPossibleRegion().GetNumberOfPixels();
  std::size_t inA = 0, inB = 0, both = 0;
  for (std::size_t n = 0; n < count; ++n) {
    const bool x = a.GetBufferPointer()[n] == label, y = b.GetBufferPointer()[n] == label;
    inA += x, inB += y, both += x && y;
  }
  return inA + inB == 0 ? 1.0 : 2.0 * both / static_cast<double>(inA + inB);
}

std::size_t differingVoxels(const LabelImage& a, const LabelImage& b) {
  const std::size_t count = a.GetLargestPossibleRegion().GetNumberOfPixels();
  std::size_t differing = 0;
  for (std::size_t n = 0; n < count; ++n) {
    differing += a.GetBufferPointer()[n] != b.GetBufferPointer()[n];
  }
  return differing;
}

}  // namespace skipseg::dicomobjects::testing
