#include "skipseg/evaluation/GridMatching.h"

#include <itkIdentityTransform.h>
#include <itkNearestNeighborInterpolateImageFunction.h>
#include <itkResampleImageFilter.h>

#include <sstream>

namespace skipseg::evaluation {

bool sameGrid(const itk::ImageBase<3>& a, const itk::ImageBase<3>& b, double tolerance) {
  return geometryOf(a).sameGrid(geometryOf(b), tolerance);
}

std::string describeGrid(const itk::ImageBase<3>& image) {
  const auto size = image.GetLargestPossibleRegion().GetSize();
  const auto& spacing = image.GetSpacing();
  const auto& origin = image.GetOrigin();
  std::ostringstream text;
  text << size[0] << "x" << size[1] << "x" << size[2] << " voxels, spacing " << spacing[0] << "x" << spacing[1] << "x"
       << spacing[2] << " mm, origin (" << origin[0] << ", " << origin[1] << ", " << origin[2] << ")";
  return text.str();
}

LabelImage::Pointer resampleLabelsOnto(const LabelImage& labels, const itk::ImageBase<3>& grid) {
  using Resampler = itk::ResampleImageFilter<LabelImage, LabelImage>;
  auto resampler = Resampler::New();
  resampler->SetInput(&labels);
  resampler->SetTransform(itk::IdentityTransform<double, 3>::New());
  resampler->SetInterpolator(itk::NearestNeighborInterpolateImageFunction<LabelImage, double>::New());
  resampler->SetDefaultPixelValue(0);
  resampler->SetOutputParametersFromImage(&grid);
  resampler->Update();
  LabelImage::Pointer output = resampler->GetOutput();
  output->DisconnectPipeline();
  return output;
}

}  // namespace skipseg::evaluation
