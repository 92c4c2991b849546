#include <gtest/gtest.h>

#include <map>

#include "skipseg/postprocessing/Components.h"

namespace skipseg::postprocessing {
namespace {

LabelImage::Pointer emptyLabels(std::size_t side, std::array<double, 3> spacing = {{1, 1, 1}}) {
  auto labels = LabelImage::New();
  labels->SetRegions(LabelImage::RegionType(LabelImage::SizeType{{side, side, side}}));
  LabelImage::SpacingType itkSpacing;
  for (int axis = 0; axis < 3; ++axis) {
    itkSpacing[axis] = spacing[axis];
  }
  labels->SetSpacing(itkSpacing);
  labels->Allocate();
  labels->FillBuffer(0);
  return labels;
}

/// Sets the inclusive box [low, high] to `label`.
void paint(LabelImage& labels, std::array<long, 3> low, std::array<long, 3> high, LabelValue label) {
  for (long k = low[2]; k <= high[2]; ++k) {
    for (long j = low[1]; j <= high[1]; ++j) {
      for (long i = low[0]; i <= high[0]; ++i) {
        labels.SetPixel({{i, j, k}}, label);
      }
    }
  }
}

std::map<LabelValue, std::size_t> voxelCounts(const LabelImage& labels) {
  std::map<LabelValue, std::size_t> counts;
  for (std::size_t voxel = 0; voxel < labels.GetBufferedRegion().GetNumberOfPixels(); ++voxel) {
    ++counts[labels.GetBufferPointer()[voxel]];
  }
  return counts;
}

/// Label 1: a 3x3x3 cube and a 2x2x2 cube apart; label 2: a 4-voxel rod and a lone voxel apart.
LabelImage::Pointer twoLabelsTwoComponentsEach() {
  auto labels = emptyLabels(12);
  paint(*labels, {{1, 1, 1}}, {{3, 3, 3}}, 1);
  paint(*labels, {{7, 7, 7}}, {{8, 8, 8}}, 1);
  paint(*labels, {{0, 10, 0}}, {{3, 10, 0}}, 2);
  paint(*labels, {{10, 0, 10}}, {{10, 0, 10}}, 2);
  return labels;
}

TEST(KeepLargestComponent, PerLabelKeepsEachLabelsLargest) {
  auto labels = twoLabelsTwoComponentsEach();
  const ComponentReport report = keepLargestComponent(*labels);
  EXPECT_EQ(report.componentsRemoved, 2u);
  EXPECT_EQ(report.voxelsRemoved, 9u);
  const auto counts = voxelCounts(*labels);
  EXPECT_EQ(counts.at(1), 27u);
  EXPECT_EQ(counts.at(2), 4u);
  EXPECT_EQ(labels->GetPixel({{2, 2, 2}}), 1);
  EXPECT_EQ(labels->GetPixel({{7, 7, 7}}), 0);
}

TEST(KeepLargestComponent, AllForegroundKeepsOnlyTheLargestBlob) {
  auto labels = twoLabelsTwoComponentsEach();
  paint(*labels, {{4, 1, 1}}, {{4, 1, 1}}, 2);  // label 2 touching the big cube joins its blob
  ComponentOptions options;
  options.scope = ComponentScope::AllForeground;
  keepLargestComponent(*labels, options);
  const auto counts = voxelCounts(*labels);
  EXPECT_EQ(counts.at(1), 27u);
  EXPECT_EQ(counts.at(2), 1u);
  EXPECT_EQ(labels->GetPixel({{4, 1, 1}}), 2);
}

TEST(KeepLargestComponent, OnlyTheChosenLabels) {
  auto labels = twoLabelsTwoComponentsEach();
  ComponentOptions options;
  options.onlyLabels = {2};
  keepLargestComponent(*labels, options);
  const auto counts = voxelCounts(*labels);
  EXPECT_EQ(counts.at(1), 35u);
  EXPECT_EQ(counts.at(2), 4u);
}

TEST(Connectivity, CornerContactJoinsOnlyWithVertexConnectivity) {
  for (auto [connectivity, kept] :
       {std::pair{Connectivity::Face, 27u}, std::pair{Connectivity::Edge, 27u}, std::pair{Connectivity::Vertex, 35u}}) {
    auto labels = emptyLabels(8);
    paint(*labels, {{0, 0, 0}}, {{2, 2, 2}}, 1);
    paint(*labels, {{3, 3, 3}}, {{4, 4, 4}}, 1);  // touches (2, 2, 2) at a corner only
    ComponentOptions options;
    options.connectivity = connectivity;
    keepLargestComponent(*labels, options);
    EXPECT_EQ(voxelCounts(*labels).at(1), kept);
  }
}

TEST(Connectivity, EdgeContactJoinsWithEdgeConnectivity) {
  auto labels = emptyLabels(8);
  paint(*labels, {{0, 0, 0}}, {{2, 2, 2}}, 1);
  paint(*labels, {{3, 3, 0}}, {{4, 4, 2}}, 1);  // shares the edge x=2..3, y=2..3 along z
  ComponentOptions options;
  options.connectivity = Connectivity::Edge;
  keepLargestComponent(*labels, options);
  EXPECT_EQ(voxelCounts(*labels).at(1), 27u + 12u);
  options.connectivity = Connectivity::Face;
  keepLargestComponent(*labels, options);
  EXPECT_EQ(voxelCounts(*labels).at(1), 27u);
}

TEST(RemoveSmallComponents, ThresholdIsInCubicMillimetresOfTheImageSpacing) {
  // Voxels of 0.5 x 0.5 x 2 mm = 0.5 mm3: the 2x2x2 cube is 4 mm3, the 3x3x3 cube 13.5 mm3.
  for (auto [threshold, expected] : {std::pair{4.0, 35u}, std::pair{4.01, 27u}, std::pair{13.6, 0u}}) {
    auto labels = emptyLabels(12, {{0.5, 0.5, 2.0}});
    paint(*labels, {{1, 1, 1}}, {{3, 3, 3}}, 1);
    paint(*labels, {{7, 7, 7}}, {{8, 8, 8}}, 1);
    removeSmallComponents(*labels, threshold);
    const auto counts = voxelCounts(*labels);
    EXPECT_EQ(counts.count(1) ? counts.at(1) : 0u, expected) << threshold << " mm3";
  }
}

TEST(FillHoles, EnclosedBackgroundBecomesTheLabel) {
  auto labels = emptyLabels(10);
  paint(*labels, {{2, 2, 2}}, {{6, 6, 6}}, 4);
  paint(*labels, {{3, 3, 3}}, {{5, 5, 5}}, 0);  // a 27-voxel cavity
  paint(*labels, {{4, 4, 4}}, {{4, 4, 4}}, 7);  // another structure inside it stays
  const std::size_t filled = fillHoles(*labels);
  EXPECT_EQ(filled, 26u);
  const auto counts = voxelCounts(*labels);
  EXPECT_EQ(counts.at(4), 125u - 1u);
  EXPECT_EQ(counts.at(7), 1u);
}

TEST(FillHoles, ACavityOpenToTheBorderIsNotAHole) {
  auto labels = emptyLabels(10);
  paint(*labels, {{2, 2, 2}}, {{6, 6, 6}}, 4);
  paint(*labels, {{3, 3, 3}}, {{5, 5, 5}}, 0);
  paint(*labels, {{4, 4, 0}}, {{4, 4, 2}}, 0);  // a tunnel from the cavity to the k = 0 face of the image
  EXPECT_EQ(fillHoles(*labels), 0u);
}

TEST(FillHoles, ACornerGapDoesNotOpenAHoleWithFaceConnectivity) {
  // A closed shell whose corner voxel is missing: with face connectivity the missing corner is reached
  // from outside but the cavity behind it is not (it touches the corner only at a vertex).
  auto labels = emptyLabels(10);
  paint(*labels, {{2, 2, 2}}, {{6, 6, 6}}, 4);
  paint(*labels, {{3, 3, 3}}, {{5, 5, 5}}, 0);
  paint(*labels, {{2, 2, 2}}, {{2, 2, 2}}, 0);
  ComponentOptions options;
  EXPECT_EQ(fillHoles(*labels, options), 27u);
}

}  // namespace
}  // namespace skipseg::postprocessing
