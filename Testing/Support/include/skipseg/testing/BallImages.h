#pragma once
// Label images with balls painted in world space, on grids with any spacing and direction: the test
// images of the evaluation and render tests (ITK side; library SkipSegTestImages).
#include "skipseg/itkbridge/ItkImage.h"

#include <array>

namespace skipseg::testing {

struct Grid {
  std::array<unsigned, 3> size{{64, 64, 64}};
  std::array<double, 3> spacing{{1, 1, 1}};
  std::array<double, 3> origin{{0, 0, 0}};
  std::array<double, 9> direction{{1, 0, 0, 0, 1, 0, 0, 0, 1}};  ///< row-major; columns are the axes

  ImageGeometry geometry() const;
};

/// Zero-filled labels on `grid`.
LabelImage::Pointer makeLabelImage(const Grid& grid);
FloatImage::Pointer makeFloatImage(const Grid& grid, float fill = 0.0f);
/// Sets `label` on every voxel whose centre lies within `radius` mm of `centre` (LPS).
void paintBall(LabelImage& image, const std::array<double, 3>& centre, double radius, unsigned short label);
/// World position of the middle of the voxel grid.
std::array<double, 3> gridCentre(const itk::ImageBase<3>& image);
/// A rotation: `degrees` about the unit axis `axis` (row-major 3x3).
std::array<double, 9> rotation(const std::array<double, 3>& axis, double degrees);

}  // namespace skipseg::testing
