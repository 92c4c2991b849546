// The second, larger volume of the benchmark: the same scan on a finer grid, stored like a scanner's CT.
#include "SegmentationBenchmark.h"

#include "skipseg/io/ImageReader.h"
#include "skipseg/io/ImageWriter.h"
#include "skipseg/preprocessing/Resampling.h"

#include <cmath>

namespace skipseg::benchmarks {

std::string writeResampledCopy(const std::string& input, double spacingMm, const std::string& output) {
  const auto read = io::readImage(input);
  preprocessing::ResampleOptions options;
  options.interpolation = preprocessing::Interpolation::Linear;
  auto resampled = preprocessing::resampleToSpacing(*read.image, {spacingMm, spacingMm, spacingMm}, options);
  // Whole Hounsfield units, so the file is int16 as CT files are (and reading it costs what it would).
  float* values = resampled->GetBufferPointer();
  const auto count = resampled->GetBufferedRegion().GetNumberOfPixels();
  for (std::size_t index = 0; index < count; ++index) values[index] = std::round(values[index]);
  io::writeImage(resampled.GetPointer(), output, io::PixelTypeHint::Int16);
  const auto size = resampled->GetLargestPossibleRegion().GetSize();
  return std::to_string(size[0]) + "x" + std::to_string(size[1]) + "x" + std::to_string(size[2]);
}

}  // namespace skipseg::benchmarks
