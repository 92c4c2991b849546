#pragma once
// Synthetic label images for metric tests (the shared ball images of Testing/Support) and the
// analytic values that balls give.
#include "skipseg/evaluation/LabelImage.h"
#include "skipseg/testing/BallImages.h"

#include <vector>

namespace skipseg::evaluation::testing {

using skipseg::testing::Grid;
using skipseg::testing::gridCentre;
using skipseg::testing::makeFloatImage;
using skipseg::testing::makeLabelImage;
using skipseg::testing::paintBall;

/// Sphere surface distance statistics for two balls of equal radius `radius` whose centres are `offset`
/// apart, from a fine uniform sampling of the sphere (area-uniform: cos(theta) uniform in [-1, 1]).
struct SphereDistances {
  double hausdorff, hausdorff95, mean, fractionWithin;
};
SphereDistances analyticSphereDistances(double radius, double offset, double tolerance);
/// Dice of two balls of equal radius with centres `offset` apart (lens volume formula).
double analyticSphereDice(double radius, double offset);

}  // namespace skipseg::evaluation::testing
