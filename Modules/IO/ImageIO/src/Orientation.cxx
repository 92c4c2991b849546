#include "skipseg/io/Orientation.h"

#include "skipseg/core/Error.h"
#include "skipseg/io/Geometry.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace skipseg::io {
namespace {

// Letter for "index grows toward +world axis" and "... toward -world axis", world = LPS.
constexpr char kPositiveLetter[3] = {'L', 'P', 'S'};
constexpr char kNegativeLetter[3] = {'R', 'A', 'I'};

struct AxisMatch {
  std::array<int, 3> worldAxis{{0, 1, 2}};  // for each voxel axis, the world axis it runs along
  std::array<int, 3> sign{{1, 1, 1}};       // +1 toward kPositiveLetter
};

// Assigns voxel axes to distinct world axes, taking the largest |component| first, so oblique
// directions get the closest code and never a code with a repeated letter.
AxisMatch matchAxes(const std::array<double, 9>& direction) {
  AxisMatch match;
  std::array<bool, 3> voxelTaken{{false, false, false}};
  std::array<bool, 3> worldTaken{{false, false, false}};
  for (int round = 0; round < 3; ++round) {
    double best = -1.0;
    int bestVoxel = 0;
    int bestWorld = 0;
    for (int voxel = 0; voxel < 3; ++voxel) {
      for (int world = 0; world < 3; ++world) {
        const double magnitude = std::abs(direction[world * 3 + voxel]);
        if (!voxelTaken[voxel] && !worldTaken[world] && magnitude > best) {
          best = magnitude;
          bestVoxel = voxel;
          bestWorld = world;
        }
      }
    }
    voxelTaken[bestVoxel] = worldTaken[bestWorld] = true;
    match.worldAxis[bestVoxel] = bestWorld;
    match.sign[bestVoxel] = direction[bestWorld * 3 + bestVoxel] < 0 ? -1 : 1;
  }
  return match;
}

// The world axis (0..2) and sign a code letter stands for; -1 for an unknown letter.
int worldAxisOfLetter(char letter, int& sign) {
  const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(letter)));
  for (int world = 0; world < 3; ++world) {
    if (upper == kPositiveLetter[world]) {
      sign = 1;
      return world;
    }
    if (upper == kNegativeLetter[world]) {
      sign = -1;
      return world;
    }
  }
  return -1;
}

template <typename ImageType>
typename ImageType::Pointer reorientImage(const ImageType* image, const std::string& code) {
  if (!isOrientationCode(code)) {
    throw usageError("orientation code '" + code +
                     "' is not valid: use three letters, one each from R/L, A/P and S/I (e.g. RAS, LPS)");
  }
  const ImageGeometry source = geometryOf(image);
  const AxisMatch current = matchAxes(source.direction);

  // For each target axis: the source axis along the same world axis, and whether it runs backwards.
  std::array<int, 3> sourceAxis{};
  std::array<bool, 3> flipped{};
  for (int target = 0; target < 3; ++target) {
    int sign = 1;
    const int world = worldAxisOfLetter(code[target], sign);
    for (int axis = 0; axis < 3; ++axis) {
      if (current.worldAxis[axis] == world) {
        sourceAxis[target] = axis;
        flipped[target] = current.sign[axis] != sign;
      }
    }
  }

  ImageGeometry result;
  std::array<double, 3> firstVoxelIndex{};  // source index of the voxel that becomes (0, 0, 0)
  for (int target = 0; target < 3; ++target) {
    const int axis = sourceAxis[target];
    result.size[target] = source.size[axis];
    result.spacing[target] = source.spacing[axis];
    for (int world = 0; world < 3; ++world) {
      result.direction[world * 3 + target] = (flipped[target] ? -1.0 : 1.0) * source.direction[world * 3 + axis];
    }
    firstVoxelIndex[axis] = flipped[target] ? static_cast<double>(source.size[axis]) - 1.0 : 0.0;
  }
  result.origin = source.indexToPhysical(firstVoxelIndex);

  auto output = ImageType::New();
  applyGeometry(result, output);
  output->Allocate();
  const auto* input = image->GetBufferPointer();
  auto* out = output->GetBufferPointer();
  const auto& inSize = source.size;
  const std::array<std::size_t, 3> inStride{{1, inSize[0], inSize[0] * inSize[1]}};
  // Stride (in the source buffer) of one step along each target axis, and the start offset.
  std::array<std::ptrdiff_t, 3> step{};
  std::ptrdiff_t start = 0;
  for (int target = 0; target < 3; ++target) {
    const int axis = sourceAxis[target];
    const auto stride = static_cast<std::ptrdiff_t>(inStride[axis]);
    step[target] = flipped[target] ? -stride : stride;
    if (flipped[target]) {
      start += static_cast<std::ptrdiff_t>(inSize[axis] - 1) * stride;
    }
  }
  std::size_t written = 0;
  for (std::size_t k = 0; k < result.size[2]; ++k) {
    for (std::size_t j = 0; j < result.size[1]; ++j) {
      std::ptrdiff_t offset =
          start + static_cast<std::ptrdiff_t>(k) * step[2] + static_cast<std::ptrdiff_t>(j) * step[1];
      for (std::size_t i = 0; i < result.size[0]; ++i, offset += step[0]) {
        out[written++] = input[offset];
      }
    }
  }
  return output;
}

}  // namespace

std::string orientationCode(const std::array<double, 9>& direction) {
  const AxisMatch match = matchAxes(direction);
  std::string code(3, '?');
  for (int axis = 0; axis < 3; ++axis) {
    const int world = match.worldAxis[axis];
    code[axis] = match.sign[axis] > 0 ? kPositiveLetter[world] : kNegativeLetter[world];
  }
  return code;
}

std::string orientationCode(const ImageGeometry& geometry) {
  return orientationCode(geometry.direction);
}

std::string orientationCode(const itk::ImageBase<3>* image) {
  return orientationCode(geometryOf(image));
}

bool isOrientationCode(const std::string& code) {
  if (code.size() != 3) {
    return false;
  }
  std::array<bool, 3> seen{{false, false, false}};
  for (const char letter : code) {
    int sign = 1;
    const int world = worldAxisOfLetter(letter, sign);
    if (world < 0 || seen[world]) {
      return false;
    }
    seen[world] = true;
  }
  return true;
}

FloatImage::Pointer reorient(const FloatImage* image, const std::string& code) {
  return reorientImage(image, code);
}

LabelImage::Pointer reorient(const LabelImage* image, const std::string& code) {
  return reorientImage(image, code);
}

}  // namespace skipseg::io
