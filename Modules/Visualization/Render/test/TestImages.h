#pragma once
// The shared ball images (Testing/Support), on a smaller default grid (40^3) so that meshes and
// pictures stay quick.
#include "skipseg/testing/BallImages.h"

namespace skipseg::render::testing {

using skipseg::FloatImage;
using skipseg::LabelImage;

struct Grid : skipseg::testing::Grid {
  Grid() { size = {{40, 40, 40}}; }
};

using skipseg::testing::gridCentre;
using skipseg::testing::makeFloatImage;
using skipseg::testing::makeLabelImage;
using skipseg::testing::paintBall;
using skipseg::testing::rotation;

}  // namespace skipseg::render::testing
