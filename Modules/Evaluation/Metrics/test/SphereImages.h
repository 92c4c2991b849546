#pragma once
// Synthetic label images for metric tests: balls painted in physical space on any grid.
#include "skipseg/evaluation/LabelImage.h"

#include <array>
#include <vector>

namespace skipseg::evaluation::testing {

struct Grid {
  std::array<unsigned, 3> size{{64, 64, 64}};
  std::array<double, 3> spacing{{1, 1, 1}};
  std::array<double, 3> origin{{0, 0, 0}};
  std::array<double, 9> direction{{1, 0, 0, 0, 1, 0, 0, 0, 1}};  ///< row-major
};

LabelImage::Pointer makeLabelImage(const Grid& grid);
FloatImage::Pointer makeFloatImage(const Grid& grid, float fill = 0.0f);
/// Sets `label` on every voxel whose centre lies within `radius` mm of `centre` (physical, LPS).
void paintBall(LabelImage& image, const std::array<double, 3>& centre, double radius, unsigned short label);
/// Physical centre of the grid's voxel box.
std::array<double, 3> gridCentre(const itk::ImageBase<3>& image);

/// Sphere surface distance statistics for two balls of equal radius `radius` whose centres are `offset`
/// apart, from a fine uniform sampling of the sphere (area-uniform: cos(theta) uniform in [-1, 1]).
struct SphereDistances {
  double hausdorff, hausdorff95, mean, fractionWithin;
};
SphereDistances analyticSphereDistances(double radius, double offset, double tolerance);
/// Dice of two balls of equal radius with centres `offset` apart (lens volume formula).
double analyticSphereDice(double radius, double offset);

}  // namespace skipseg::evaluation::testing
