#include "SphereImages.h"

#include "skipseg/evaluation/SurfaceDistance.h"

#include <cmath>

namespace skipseg::evaluation::testing {

SphereDistances analyticSphereDistances(double radius, double offset, double tolerance) {
  // A point of sphere A at polar angle theta (from the offset axis) lies at
  // sqrt(r^2 + d^2 - 2 r d cos(theta)) from B's centre; its distance to B's sphere is |that - r|.
  const int samples = 200001;
  std::vector<double> distances;
  distances.reserve(samples);
  for (int index = 0; index < samples; ++index) {
    const double u = -1.0 + 2.0 * index / (samples - 1);
    distances.push_back(std::abs(std::sqrt(radius * radius + offset * offset - 2 * radius * offset * u) - radius));
  }
  SphereDistances result{};
  double sum = 0;
  int within = 0;
  for (const double distance : distances) {
    result.hausdorff = std::max(result.hausdorff, distance);
    sum += distance;
    within += distance <= tolerance ? 1 : 0;
  }
  result.mean = sum / samples;
  result.fractionWithin = static_cast<double>(within) / samples;
  result.hausdorff95 = percentile(distances, 95);
  return result;
}

double analyticSphereDice(double radius, double offset) {
  const double pi = std::acos(-1.0);
  const double lens = pi * (4 * radius + offset) * (2 * radius - offset) * (2 * radius - offset) / 12.0;
  const double ball = 4.0 / 3.0 * pi * radius * radius * radius;
  return lens / ball;
}

}  // namespace skipseg::evaluation::testing
