#pragma once
// The image types the evaluation code works on: labels as unsigned short (the IO module's label
// type, enough for TotalSegmentator's 117 classes and more) and intensities as float.
#include <itkImage.h>

namespace skipseg::evaluation {

using LabelImage = itk::Image<unsigned short, 3>;
using FloatImage = itk::Image<float, 3>;
using LabelValue = LabelImage::PixelType;

}  // namespace skipseg::evaluation
