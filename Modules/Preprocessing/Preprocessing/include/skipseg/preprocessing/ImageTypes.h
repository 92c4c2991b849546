#pragma once
// The ITK image types that preprocessing works on and the bridge between an ITK image's grid and the
// plain skipseg::ImageGeometry that the Torch side sees, both from SkipSegItkBridge: the same types as
// the I/O module's, so images pass between them freely.
#include "skipseg/itkbridge/ItkImage.h"

namespace skipseg::preprocessing {

using skipseg::FloatImage;
using skipseg::LabelImage;
using skipseg::LabelValue;

using skipseg::geometryOf;
using skipseg::makeFloatImage;
using skipseg::makeLabelImage;

}  // namespace skipseg::preprocessing
