#pragma once
// Small synthetic images with chosen geometry, for tests that must see geometry survive.
#include "skipseg/io/Geometry.h"
#include "skipseg/io/ImageTypes.h"

#include <array>
#include <cmath>

namespace skipseg::io::testing {

/// A rotation about an oblique axis times a diagonal with a negative step: oblique, negative determinant.
inline std::array<double, 9> obliqueNegativeStepDirection() {
  const double a = 0.3;  // radians about z, then
  const double b = 0.2;  // radians about x
  const std::array<double, 9> rz{{std::cos(a), -std::sin(a), 0, std::sin(a), std::cos(a), 0, 0, 0, 1}};
  const std::array<double, 9> rx{{1, 0, 0, 0, std::cos(b), -std::sin(b), 0, std::sin(b), std::cos(b)}};
  std::array<double, 9> product{};
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) {
      for (int m = 0; m < 3; ++m) {
        product[r * 3 + c] += rz[r * 3 + m] * rx[m * 3 + c];
      }
    }
  }
  for (int r = 0; r < 3; ++r) {
    product[r * 3 + 1] = -product[r * 3 + 1];  // the j axis runs backwards
  }
  return product;
}

inline ImageGeometry syntheticGeometry(const std::array<double, 9>& direction) {
  ImageGeometry geometry;
  geometry.size = {7, 5, 4};
  geometry.spacing = {0.75, 1.25, 3.0};
  geometry.origin = {-12.5, 30.25, 101.0};
  geometry.direction = direction;
  return geometry;
}

/// Values that differ at every voxel and are not integers: value = i + 10 j + 100 k + 0.25.
inline FloatImage::Pointer makeFloatImage(const ImageGeometry& geometry) {
  auto image = FloatImage::New();
  applyGeometry(geometry, image);
  image->Allocate();
  float* values = image->GetBufferPointer();
  std::size_t index = 0;
  for (std::size_t k = 0; k < geometry.size[2]; ++k) {
    for (std::size_t j = 0; j < geometry.size[1]; ++j) {
      for (std::size_t i = 0; i < geometry.size[0]; ++i) {
        values[index++] = static_cast<float>(i + 10 * j + 100 * k) + 0.25f;
      }
    }
  }
  return image;
}

/// Labels (i + j + k) % modulus * scale.
inline LabelImage::Pointer makeLabelImage(const ImageGeometry& geometry, unsigned modulus, unsigned scale) {
  auto image = LabelImage::New();
  applyGeometry(geometry, image);
  image->Allocate();
  unsigned short* values = image->GetBufferPointer();
  std::size_t index = 0;
  for (std::size_t k = 0; k < geometry.size[2]; ++k) {
    for (std::size_t j = 0; j < geometry.size[1]; ++j) {
      for (std::size_t i = 0; i < geometry.size[0]; ++i) {
        values[index++] = static_cast<unsigned short>((i + j + k) % modulus * scale);
      }
    }
  }
  return image;
}

/// Largest distance between the world positions of voxel (i, j, k) of `a` and of `b`, over all voxels.
inline double largestVoxelCentreDistance(const ImageGeometry& a, const ImageGeometry& b) {
  double largest = 0.0;
  for (std::size_t k = 0; k < a.size[2]; ++k) {
    for (std::size_t j = 0; j < a.size[1]; ++j) {
      for (std::size_t i = 0; i < a.size[0]; ++i) {
        const std::array<double, 3> index{{double(i), double(j), double(k)}};
        const auto p = a.indexToPhysical(index);
        const auto q = b.indexToPhysical(index);
        largest = std::max(largest, std::hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]));
      }
    }
  }
  return largest;
}

}  // namespace skipseg::io::testing
