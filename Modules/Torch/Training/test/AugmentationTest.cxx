// Augmentations keep image and label aligned: the image is made from the label, transformed, and must
// still read as the transformed label; batches are reproducible from their seed.
#include "TinyNetwork.h"
#include "skipseg/training/Augmentation.h"
#include "skipseg/training/PatchSampler.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

namespace skipseg::training {
namespace {

at::Tensor blockLabels(std::vector<int64_t> shape) {
  at::Tensor label = at::zeros(shape, at::kByte);
  if (shape.size() == 3) {
    label.slice(0, 4, 14).slice(1, 6, 20).slice(2, 3, 12).fill_(1);
    label.slice(0, 10, 20).slice(1, 2, 8).slice(2, 14, 22).fill_(2);
  } else {
    label.slice(0, 6, 20).slice(1, 3, 12).fill_(1);
    label.slice(0, 2, 8).slice(1, 14, 22).fill_(2);
  }
  return label;
}

// Share of voxels where the image, rounded, equals the label.
double agreement(const at::Tensor& image, const at::Tensor& label) {
  return (image[0].round().to(at::kByte) == label).to(at::kDouble).mean().item<double>();
}

void expectAligned(std::vector<int64_t> shape) {
  const at::Tensor original = blockLabels(shape);
  int transformed = 0;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    at::Tensor label = original.clone();
    at::Tensor image = original.to(at::kFloat).unsqueeze(0);
    std::mt19937_64 generator(seed);
    augmentSample(image, label, generator, AugmentationOptions::spatialOnly());
    ASSERT_EQ(image.sizes().slice(1), original.sizes());
    ASSERT_EQ(label.sizes(), original.sizes());
    // Linear and nearest interpolation may disagree only on the one-voxel rim of each structure.
    EXPECT_GT(agreement(image, label), 0.97) << "seed " << seed;
    // Both structures survive (the transform keeps them inside the patch).
    EXPECT_GT((label == 1).sum().item<int64_t>(), 0);
    EXPECT_GT((label == 2).sum().item<int64_t>(), 0);
    if ((label != original).to(at::kDouble).mean().item<double>() > 0.05) {
      ++transformed;
    }
  }
  EXPECT_GE(transformed, 6);  // the transforms did move the structures
}

TEST(Augmentation, SpatialTransformsKeepImageAndLabelAligned3d) {
  expectAligned({24, 24, 24});
}

TEST(Augmentation, SpatialTransformsKeepImageAndLabelAligned2d) {
  expectAligned({24, 24});
}

TEST(Augmentation, IntensityTransformsChangeTheImageOnly) {
  AugmentationOptions options = AugmentationOptions::none();
  options.noiseProbability = options.blurProbability = options.brightnessProbability = 1.0;
  options.contrastProbability = options.gammaProbability = options.lowResolutionProbability = 1.0;
  const at::Tensor original = blockLabels({16, 16, 16});
  at::Tensor label = original.clone();
  at::Tensor image = original.to(at::kFloat).unsqueeze(0) + 0.5f;
  const at::Tensor before = image.clone();
  std::mt19937_64 generator(3);
  augmentSample(image, label, generator, options);
  EXPECT_TRUE(at::equal(label, original));
  EXPECT_FALSE(at::allclose(image, before));
  EXPECT_TRUE(at::isfinite(image).all().item<bool>());
}

TEST(Augmentation, NoneLeavesTheSampleUntouched) {
  const at::Tensor original = blockLabels({16, 16, 16});
  at::Tensor label = original.clone();
  at::Tensor image = original.to(at::kFloat).unsqueeze(0);
  std::mt19937_64 generator(3);
  augmentSample(image, label, generator, AugmentationOptions::none());
  EXPECT_TRUE(at::equal(label, original));
  EXPECT_TRUE(at::equal(image[0], original.to(at::kFloat)));
}

TEST(PatchSampler, SameSeedSameBatchAndForegroundInTheLastThird) {
  auto cases = std::make_shared<std::vector<TrainingCase>>(testing::syntheticCases(2, 32, 5));
  SamplingOptions options;
  options.patchSize = {8, 8, 8};
  options.batchSize = 3;
  const PatchSampler sampler(cases, options);
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    const Batch first = sampler.sample(seed);
    const Batch second = sampler.sample(seed);
    ASSERT_EQ(first.image.sizes(), (at::IntArrayRef{3, 1, 8, 8, 8}));
    ASSERT_EQ(first.target.sizes(), (at::IntArrayRef{3, 8, 8, 8}));
    EXPECT_TRUE(at::equal(first.image, second.image));
    EXPECT_TRUE(at::equal(first.target, second.target));
    EXPECT_GT((first.target[2] > 0).sum().item<int64_t>(), 0) << "seed " << seed;
  }
}

TEST(BatchLoader, GivesTheSameBatchesWhateverTheThreadCount) {
  auto cases = std::make_shared<std::vector<TrainingCase>>(testing::syntheticCases(2, 24, 5));
  SamplingOptions options;
  options.patchSize = {8, 8, 8};
  options.batchSize = 2;
  const PatchSampler sampler(cases, options);
  const std::vector<std::uint64_t> seeds{11, 12, 13, 14, 15, 16};
  BatchLoader inline0(sampler, 0), threaded(sampler, 3, 2);
  inline0.start(seeds);
  threaded.start(seeds);
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    const Batch a = inline0.next(), b = threaded.next();
    EXPECT_TRUE(at::equal(a.image, b.image)) << "batch " << i;
    EXPECT_TRUE(at::equal(a.target, b.target)) << "batch " << i;
  }
}

}  // namespace
}  // namespace skipseg::training
