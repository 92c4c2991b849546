#include "SeparableResampling.h"

#include <itkBSplineDecompositionImageFilter.h>

#include <cmath>
#include <vector>

namespace skipseg::preprocessing::detail {
namespace {

/// The input voxels (and their weights) that make one output position along one axis.
struct Taps {
  int count = 0;
  std::array<long, 4> index{};
  std::array<double, 4> weight{};
};

struct AxisPlan {
  std::vector<Taps> taps;    // one per output position
  std::vector<bool> inside;  // the output position maps into [-0.5, size - 0.5)
};

Taps nearestTaps(double x) {
  Taps taps;
  taps.count = 1;
  taps.index[0] = static_cast<long>(std::floor(x + 0.5));  // ITK's RoundHalfIntegerUp
  taps.weight[0] = 1.0;
  return taps;
}

Taps linearTaps(double x, long size) {
  // ITK's LinearInterpolateImageFunction: the base clamped to the first voxel, the upper neighbour
  // dropped past the last one.
  Taps taps;
  long base = static_cast<long>(std::floor(x));
  if (base < 0) {
    base = 0;
  }
  const double distance = x - static_cast<double>(base);
  taps.index[0] = base;
  if (distance <= 0.0 || base + 1 > size - 1) {
    taps.count = 1;
    taps.weight[0] = 1.0;
    return taps;
  }
  taps.count = 2;
  taps.weight[0] = 1.0 - distance;
  taps.index[1] = base + 1;
  taps.weight[1] = distance;
  return taps;
}

Taps cubicBSplineTaps(double x, long size) {
  // ITK's BSplineInterpolateImageFunction, order 3: region of support from floor((float)x) - 1, the
  // cubic B-spline weights, mirror boundary at the first and last voxel.
  Taps taps;
  taps.count = 4;
  const long first = static_cast<long>(std::floor(static_cast<float>(x))) - 1;
  const double w = x - static_cast<double>(first + 1);
  taps.weight[3] = (1.0 / 6.0) * w * w * w;
  taps.weight[0] = (1.0 / 6.0) + 0.5 * w * (w - 1.0) - taps.weight[3];
  taps.weight[2] = w + taps.weight[0] - 2.0 * taps.weight[3];
  taps.weight[1] = 1.0 - taps.weight[0] - taps.weight[2] - taps.weight[3];
  const long last = size - 1;
  for (int k = 0; k < 4; ++k) {
    long index = first + k;
    if (size == 1) {
      index = 0;
    } else {
      if (index < 0) {
        index = -index;
      }
      if (index >= last) {
        index = last - (index - last);
      }
    }
    taps.index[k] = index;
  }
  return taps;
}

AxisPlan planAxis(const FloatImage& image, const ImageGeometry& grid, int axis, Interpolation interpolation) {
  const auto size = static_cast<long>(image.GetBufferedRegion().GetSize()[axis]);
  const double sourceSpacing = image.GetSpacing()[axis];
  // Continuous source index of target position 0 along this axis: the origin offset projected on the
  // (shared) axis direction, in source voxels.
  double offset = 0.0;
  for (int row = 0; row < 3; ++row) {
    offset += image.GetDirection()[row][axis] * (grid.origin[row] - image.GetOrigin()[row]);
  }
  offset /= sourceSpacing;
  const double step = grid.spacing[axis] / sourceSpacing;
  AxisPlan plan;
  plan.taps.resize(grid.size[axis]);
  plan.inside.resize(grid.size[axis]);
  for (std::size_t j = 0; j < grid.size[axis]; ++j) {
    const double x = offset + static_cast<double>(j) * step;
    plan.inside[j] = x >= -0.5 && x < static_cast<double>(size) - 0.5;
    if (!plan.inside[j]) {
      continue;
    }
    switch (interpolation) {
      case Interpolation::Nearest: plan.taps[j] = nearestTaps(x); break;
      case Interpolation::Linear: plan.taps[j] = linearTaps(x, size); break;
      case Interpolation::BSpline: plan.taps[j] = cubicBSplineTaps(x, size); break;
    }
  }
  return plan;
}

/// One pass: `input` of extents `in` becomes `out` with `axis` resampled by `plan`; lines along the
/// other axes are combined as whole rows (contiguous memory) where the axis is not the fastest.
std::vector<float> pass(const std::vector<float>& input, const std::array<std::size_t, 3>& in, int axis,
                        const AxisPlan& plan, std::array<std::size_t, 3>& out) {
  out = in;
  out[axis] = plan.taps.size();
  std::vector<float> output(out[0] * out[1] * out[2], 0.0f);
  // Strides of the input and output along `axis`, and the extent of the contiguous block below it.
  const std::size_t below = axis == 0 ? 1 : (axis == 1 ? in[0] : in[0] * in[1]);
  const std::size_t above = axis == 2 ? 1 : (axis == 1 ? in[2] : in[1] * in[2]);
  for (std::size_t outer = 0; outer < above; ++outer) {
    const float* source = input.data() + outer * in[axis] * below;
    float* target = output.data() + outer * out[axis] * below;
    for (std::size_t j = 0; j < out[axis]; ++j) {
      if (!plan.inside[j]) {
        continue;  // filled with the outside value at the end
      }
      const Taps& taps = plan.taps[j];
      float* row = target + j * below;
      for (int k = 0; k < taps.count; ++k) {
        const float* from = source + static_cast<std::size_t>(taps.index[k]) * below;
        const auto weight = static_cast<float>(taps.weight[k]);
        for (std::size_t i = 0; i < below; ++i) {
          row[i] += weight * from[i];
        }
      }
    }
  }
  return output;
}

}  // namespace

bool canResampleAxisByAxis(const FloatImage& image, const ImageGeometry& grid) {
  const auto& index = image.GetBufferedRegion().GetIndex();
  if (index[0] != 0 || index[1] != 0 || index[2] != 0) {
    return false;
  }
  for (int row = 0; row < 3; ++row) {
    for (int column = 0; column < 3; ++column) {
      if (std::abs(image.GetDirection()[row][column] - grid.direction[row * 3 + column]) > 1e-9) {
        return false;
      }
    }
  }
  return true;
}

FloatImage::Pointer resampleAxisByAxis(const FloatImage& image, const ImageGeometry& grid, Interpolation interpolation,
                                       float outsideValue) {
  const auto& size = image.GetBufferedRegion().GetSize();
  std::array<std::size_t, 3> extents{size[0], size[1], size[2]};
  std::vector<float> values;
  if (interpolation == Interpolation::BSpline) {
    // ITK's own prefilter (mirror boundary), so the coefficients are exactly the interpolator's.
    using Decomposition = itk::BSplineDecompositionImageFilter<FloatImage, FloatImage>;
    auto decomposition = Decomposition::New();
    decomposition->SetSplineOrder(3);
    decomposition->SetInput(&image);
    decomposition->Update();
    const float* coefficients = decomposition->GetOutput()->GetBufferPointer();
    values.assign(coefficients, coefficients + extents[0] * extents[1] * extents[2]);
  } else {
    values.assign(image.GetBufferPointer(), image.GetBufferPointer() + extents[0] * extents[1] * extents[2]);
  }
  std::array<AxisPlan, 3> plans;
  for (int axis = 0; axis < 3; ++axis) {
    plans[axis] = planAxis(image, grid, axis, interpolation);
    std::array<std::size_t, 3> next{};
    values = pass(values, extents, axis, plans[axis], next);
    extents = next;
  }
  auto output = makeFloatImage(grid, outsideValue);
  float* target = output->GetBufferPointer();
  std::size_t voxel = 0;
  for (std::size_t k = 0; k < grid.size[2]; ++k) {
    for (std::size_t j = 0; j < grid.size[1]; ++j) {
      const bool rowInside = plans[2].inside[k] && plans[1].inside[j];
      for (std::size_t i = 0; i < grid.size[0]; ++i, ++voxel) {
        if (rowInside && plans[0].inside[i]) {
          target[voxel] = values[voxel];
        }
      }
    }
  }
  return output;
}

}  // namespace skipseg::preprocessing::detail
