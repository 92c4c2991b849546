#pragma once
// The two image types the ITK side of SkipSeg works with (defined once, in SkipSegItkBridge):
// intensities as float and label maps as unsigned short. Geometry is ITK's: LPS millimetres.
#include "skipseg/itkbridge/ItkImage.h"

namespace skipseg::io {

using skipseg::FloatImage;
using skipseg::LabelImage;

}  // namespace skipseg::io
