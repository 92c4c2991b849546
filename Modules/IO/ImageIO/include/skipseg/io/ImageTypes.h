#pragma once
// The two image types the ITK side of SkipSeg works with: intensities as float (Hounsfield units,
// SUV, MR signal) and label maps as unsigned short. Geometry is ITK's: LPS millimetres.
#include <itkImage.h>

namespace skipseg::io {

using FloatImage = itk::Image<float, 3>;
using LabelImage = itk::Image<unsigned short, 3>;

}  // namespace skipseg::io
