#include "skipseg/render/WorldGeometry.h"

#include <stdexcept>

namespace skipseg::render {

Affine indexToWorld(const itk::ImageBase<3>& image) {
  const auto& direction = image.GetDirection();
  const auto& spacing = image.GetSpacing();
  const auto& origin = image.GetOrigin();
  Affine affine{};
  for (unsigned row = 0; row < 3; ++row) {
    for (unsigned column = 0; column < 3; ++column) {
      affine[row * 4 + column] = direction[row][column] * spacing[column];
    }
    affine[row * 4 + 3] = origin[row];
  }
  affine[15] = 1.0;
  return affine;
}

double linearDeterminant(const Affine& m) {
  return m[0] * (m[5] * m[10] - m[6] * m[9]) - m[1] * (m[4] * m[10] - m[6] * m[8]) + m[2] * (m[4] * m[9] - m[5] * m[8]);
}

Affine worldToIndex(const itk::ImageBase<3>& image) {
  const Affine m = indexToWorld(image);
  const double determinant = linearDeterminant(m);
  if (determinant == 0.0) {
    throw std::invalid_argument("worldToIndex: the image's direction and spacing are singular");
  }
  // Inverse of the 3x3 part by cofactors; translation -A^-1 * origin.
  Affine inverse{};
  inverse[0] = (m[5] * m[10] - m[6] * m[9]) / determinant;
  inverse[1] = (m[2] * m[9] - m[1] * m[10]) / determinant;
  inverse[2] = (m[1] * m[6] - m[2] * m[5]) / determinant;
  inverse[4] = (m[6] * m[8] - m[4] * m[10]) / determinant;
  inverse[5] = (m[0] * m[10] - m[2] * m[8]) / determinant;
  inverse[6] = (m[2] * m[4] - m[0] * m[6]) / determinant;
  inverse[8] = (m[4] * m[9] - m[5] * m[8]) / determinant;
  inverse[9] = (m[1] * m[8] - m[0] * m[9]) / determinant;
  inverse[10] = (m[0] * m[5] - m[1] * m[4]) / determinant;
  for (unsigned row = 0; row < 3; ++row) {
    inverse[row * 4 + 3] = -(inverse[row * 4] * m[3] + inverse[row * 4 + 1] * m[7] + inverse[row * 4 + 2] * m[11]);
  }
  inverse[15] = 1.0;
  return inverse;
}

std::array<double, 3> transformPoint(const Affine& m, const std::array<double, 3>& p) {
  return {m[0] * p[0] + m[1] * p[1] + m[2] * p[2] + m[3], m[4] * p[0] + m[5] * p[1] + m[6] * p[2] + m[7],
          m[8] * p[0] + m[9] * p[1] + m[10] * p[2] + m[11]};
}

}  // namespace skipseg::render
