#include "skipseg/training/Augmentation.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace skipseg::training {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int64_t kBilinear = 0, kNearest = 1, kZerosPadding = 0, kBorderPadding = 1;

bool happens(std::mt19937_64& generator, double probability) {
  return uniform(generator, 0.0, 1.0) < probability;
}

using Matrix3 = std::array<std::array<double, 3>, 3>;

Matrix3 multiply(const Matrix3& a, const Matrix3& b) {
  Matrix3 result{};
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) {
      for (int k = 0; k < 3; ++k) {
        result[r][c] += a[r][k] * b[k][c];
      }
    }
  }
  return result;
}

Matrix3 rotation(int axis, double radians) {
  Matrix3 m{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
  const int a = (axis + 1) % 3, b = (axis + 2) % 3;
  m[a][a] = std::cos(radians);
  m[a][b] = -std::sin(radians);
  m[b][a] = std::sin(radians);
  m[b][b] = std::cos(radians);
  return m;
}

// Samples `input` [N, C, spatial...] on the grid of `theta` (output voxel -> input position in
// grid_sample's normalised coordinates, axes in x y (z) order) with the output's spatial size.
at::Tensor resampleOnGrid(const at::Tensor& input, const at::Tensor& theta, at::IntArrayRef outputSpatial,
                          int64_t interpolation, int64_t padding) {
  std::vector<int64_t> outputSize{input.size(0), input.size(1)};
  outputSize.insert(outputSize.end(), outputSpatial.begin(), outputSpatial.end());
  const at::Tensor grid = at::affine_grid_generator(theta, outputSize, false);
  return at::grid_sampler(input, grid, interpolation, padding, false);
}

at::Tensor identityTheta(int64_t dims) {
  return at::eye(dims, dims + 1, at::kFloat).unsqueeze(0);
}

void spatialTransform(at::Tensor& image, at::Tensor& label, std::mt19937_64& generator,
                      const AugmentationOptions& options) {
  const int64_t dims = image.dim() - 1;
  const bool rotate = happens(generator, options.rotationProbability);
  const bool scale = happens(generator, options.scalingProbability);
  if (!rotate && !scale) {
    return;
  }
  Matrix3 transform{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
  if (rotate) {
    const double limit = options.maxRotationDegrees * kPi / 180.0;
    if (dims == 3) {
      for (int axis = 0; axis < 3; ++axis) {
        transform = multiply(transform, rotation(axis, uniform(generator, -limit, limit)));
      }
    } else {
      transform = rotation(2, uniform(generator, -limit, limit));  // in the (x, y) plane
    }
  }
  const double factor = scale ? uniform(generator, options.minScale, options.maxScale) : 1.0;
  // Rotation in voxel space (not in normalised space, which would shear anisotropic patches):
  // theta = diag(1/half) * R * diag(half) / scale, axes in grid order x y z = reversed tensor order.
  std::vector<double> half(dims);
  for (int64_t a = 0; a < dims; ++a) {
    half[a] = 0.5 * static_cast<double>(image.size(dims - a));  // grid axis a is tensor axis dims-1-a
  }
  at::Tensor theta = at::zeros({1, dims, dims + 1}, at::kFloat);
  auto accessor = theta.accessor<float, 3>();
  for (int64_t r = 0; r < dims; ++r) {
    for (int64_t c = 0; c < dims; ++c) {
      accessor[0][r][c] = static_cast<float>(transform[r][c] * half[c] / half[r] / factor);
    }
  }
  const std::vector<int64_t> spatial = image.sizes().slice(1).vec();  // a copy: `image` is replaced below
  image = resampleOnGrid(image.unsqueeze(0), theta, spatial, kBilinear, kZerosPadding).squeeze(0);
  at::Tensor labelAsFloat = label.to(at::kFloat).unsqueeze(0).unsqueeze(0);
  label =
      resampleOnGrid(labelAsFloat, theta, spatial, kNearest, kZerosPadding).squeeze(0).squeeze(0).round().to(at::kByte);
}

void mirror(at::Tensor& image, at::Tensor& label, std::mt19937_64& generator, const AugmentationOptions& options) {
  const int64_t dims = image.dim() - 1;
  for (int64_t axis = 0; axis < dims; ++axis) {
    const bool allowed =
        std::find(options.mirrorAxes.begin(), options.mirrorAxes.end(), axis) != options.mirrorAxes.end();
    if (allowed && happens(generator, options.mirrorProbability)) {
      image = image.flip({axis + 1});
      label = label.flip({axis});
    }
  }
}

at::Tensor gaussianKernel(double sigma) {
  const int64_t radius = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(3.0 * sigma)));
  at::Tensor positions = at::arange(-radius, radius + 1, at::kFloat);
  at::Tensor kernel = at::exp(-positions * positions / static_cast<float>(2.0 * sigma * sigma));
  return kernel / kernel.sum();
}

// Separable Gaussian blur of every channel, edges replicated.
at::Tensor blur(const at::Tensor& image, double sigma) {
  const int64_t dims = image.dim() - 1;
  const at::Tensor kernel = gaussianKernel(sigma);
  const int64_t radius = (kernel.size(0) - 1) / 2;
  at::Tensor result = image.unsqueeze(1);  // [C, 1, spatial...]: channels blur independently
  for (int64_t axis = 0; axis < dims; ++axis) {
    std::vector<int64_t> shape(static_cast<std::size_t>(dims + 2), 1);
    shape[static_cast<std::size_t>(axis + 2)] = kernel.size(0);
    const at::Tensor weight = kernel.reshape(shape);
    if (dims == 3) {
      std::vector<int64_t> pad(6, 0);
      pad[static_cast<std::size_t>(2 * (2 - axis))] = radius;
      pad[static_cast<std::size_t>(2 * (2 - axis) + 1)] = radius;
      result = at::conv3d(at::replication_pad3d(result, pad), weight);
    } else {
      std::vector<int64_t> pad(4, 0);
      pad[static_cast<std::size_t>(2 * (1 - axis))] = radius;
      pad[static_cast<std::size_t>(2 * (1 - axis) + 1)] = radius;
      result = at::conv2d(at::replication_pad2d(result, pad), weight);
    }
  }
  return result.squeeze(1);
}

// Down-sample (nearest) then up-sample back (linear): a scan acquired at a coarser resolution.
at::Tensor simulateLowResolution(const at::Tensor& image, double zoom) {
  const int64_t dims = image.dim() - 1;
  std::vector<int64_t> small;
  for (int64_t a = 0; a < dims; ++a) {
    small.push_back(
        std::max<int64_t>(1, static_cast<int64_t>(std::lround(static_cast<double>(image.size(a + 1)) * zoom))));
  }
  const at::Tensor theta = identityTheta(dims);
  const at::Tensor reduced = resampleOnGrid(image.unsqueeze(0), theta, small, kNearest, kBorderPadding);
  return resampleOnGrid(reduced, theta, image.sizes().slice(1), kBilinear, kBorderPadding).squeeze(0);
}

void intensityTransforms(at::Tensor& image, std::mt19937_64& generator, const AugmentationOptions& options) {
  const int64_t channels = image.size(0);
  if (happens(generator, options.noiseProbability)) {
    const double variance = uniform(generator, 0.0, options.maxNoiseVariance);
    at::Generator noiseGenerator = at::detail::createCPUGenerator(generator());
    image = image + at::randn(image.sizes(), noiseGenerator, image.options()) * static_cast<float>(std::sqrt(variance));
  }
  if (happens(generator, options.blurProbability)) {
    image = blur(image, uniform(generator, options.minBlurSigma, options.maxBlurSigma));
  }
  if (happens(generator, options.brightnessProbability)) {
    image = image * static_cast<float>(uniform(generator, options.minBrightness, options.maxBrightness));
  }
  if (happens(generator, options.contrastProbability)) {
    const double factor = uniform(generator, options.minContrast, options.maxContrast);
    std::vector<at::Tensor> adjusted;
    for (int64_t c = 0; c < channels; ++c) {
      const at::Tensor channel = image[c];
      const at::Tensor mean = channel.mean();
      adjusted.push_back(((channel - mean) * static_cast<float>(factor) + mean)
                             .clamp(channel.min().item<float>(), channel.max().item<float>()));
    }
    image = at::stack(adjusted);
  }
  if (happens(generator, options.lowResolutionProbability)) {
    image = simulateLowResolution(image, uniform(generator, options.minLowResolutionZoom, 1.0));
  }
  if (happens(generator, options.gammaProbability)) {
    const double gamma = uniform(generator, options.minGamma, options.maxGamma);
    std::vector<at::Tensor> adjusted;
    for (int64_t c = 0; c < channels; ++c) {
      const at::Tensor channel = image[c];
      const at::Tensor mean = channel.mean(), deviation = channel.std();
      const at::Tensor low = channel.min(), range = channel.max() - low + 1e-7f;
      at::Tensor result = ((channel - low) / range).pow(gamma) * range + low;
      // Keep the channel's mean and spread: gamma changes the shape of the histogram, not its scale.
      result = (result - result.mean()) / (result.std() + 1e-7f) * deviation + mean;
      adjusted.push_back(result);
    }
    image = at::stack(adjusted);
  }
}

}  // namespace

double uniform(std::mt19937_64& generator, double low, double high) {
  const double unit = static_cast<double>(generator() >> 11) * (1.0 / 9007199254740992.0);  // 53 bits
  return low + (high - low) * unit;
}

AugmentationOptions AugmentationOptions::spatialOnly() {
  AugmentationOptions options = none();
  options.rotationProbability = 1.0;
  options.scalingProbability = 1.0;
  options.mirrorProbability = 0.5;
  return options;
}

AugmentationOptions AugmentationOptions::none() {
  AugmentationOptions options;
  options.rotationProbability = options.scalingProbability = options.mirrorProbability = 0;
  options.noiseProbability = options.blurProbability = options.brightnessProbability = 0;
  options.contrastProbability = options.lowResolutionProbability = options.gammaProbability = 0;
  return options;
}

void augmentSample(at::Tensor& image, at::Tensor& label, std::mt19937_64& generator,
                   const AugmentationOptions& options) {
  spatialTransform(image, label, generator, options);
  mirror(image, label, generator, options);
  intensityTransforms(image, generator, options);
  image = image.contiguous();
  label = label.contiguous();
}

}  // namespace skipseg::training
