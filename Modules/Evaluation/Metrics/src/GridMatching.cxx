#include "skipseg/evaluation/GridMatching.h"

#include <itkIdentityTransform.h>
#include <itkNearestNeighborInterpolateImageFunction.h>
#include <itkResampleImageFilter.h>

#include <cmath>
#include <sstream>

namespace skipseg::evaluation {

bool sameGrid(const itk::ImageBase<3>& a, const itk::ImageBase<3>& b, double tolerance) {
  const auto sizeA = a.GetLargestPossibleRegion().GetSize();
  const auto sizeB = b.GetLargestPossibleRegion().GetSize();
  for (unsigned axis = 0; axis < 3; ++axis) {
    if (sizeA[axis] != sizeB[axis] || std::abs(a.GetSpacing()[axis] - b.GetSpacing()[axis]) > tolerance ||
        std::abs(a.GetOrigin()[axis] - b.GetOrigin()[axis]) > tolerance) {
      return false;
    }
    for (unsigned column = 0; column < 3; ++column) {
      if (std::abs(a.GetDirection()[axis][column] - b.GetDirection()[axis][column]) > tolerance) {
        return false;
      }
    }
  }
  return true;
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
  resampler->SetSize(grid.GetLargestPossibleRegion().GetSize());
  resampler->SetOutputSpacing(grid.GetSpacing());
  resampler->SetOutputOrigin(grid.GetOrigin());
  resampler->SetOutputDirection(grid.GetDirection());
  resampler->SetOutputStartIndex(grid.GetLargestPossibleRegion().GetIndex());
  resampler->Update();
  LabelImage::Pointer output = resampler->GetOutput();
  output->DisconnectPipeline();
  return output;
}

}  // namespace skipseg::evaluation
