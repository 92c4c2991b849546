#pragma once
// The image types the evaluation code works on (SkipSegItkBridge's): labels as unsigned short and
// intensities as float.
#include "skipseg/itkbridge/ItkImage.h"

namespace skipseg::evaluation {

using skipseg::FloatImage;
using skipseg::LabelImage;
using skipseg::LabelValue;

}  // namespace skipseg::evaluation
