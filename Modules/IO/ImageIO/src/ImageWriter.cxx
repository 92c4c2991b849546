#include "skipseg/io/ImageWriter.h"

#include "CompletenessCheck.h"
#include "ImageIOFactories.h"
#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/Interrupt.h"
#include "skipseg/core/Logging.h"
#include "skipseg/core/OutputCheck.h"
#include "skipseg/core/OutputTransaction.h"
#include "skipseg/io/Geometry.h"
#include "skipseg/io/ImageFormats.h"

#include <itkImageFileWriter.h>
#include <itkMetaImageIO.h>
#include <itkVectorImage.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>

namespace fs = std::filesystem;

namespace skipseg::io {
namespace {

std::string unknownFormat() {
  return "unknown output format; SkipSeg writes " + describeWritableExtensions();
}

// Removes a temporary folder (and what is left in it) unless released.
class TemporaryFolderGuard {
 public:
  explicit TemporaryFolderGuard(fs::path folder) : folder_(std::move(folder)) {}
  ~TemporaryFolderGuard() {
    std::error_code error;
    fs::remove_all(folder_, error);
  }
  TemporaryFolderGuard(const TemporaryFolderGuard&) = delete;
  TemporaryFolderGuard& operator=(const TemporaryFolderGuard&) = delete;

 private:
  fs::path folder_;
};

template <typename ImageType>
void runWriter(const ImageType* image, const std::string& writePath, const std::string& targetPath, bool compress) {
  auto writer = itk::ImageFileWriter<ImageType>::New();
  writer->SetInput(image);
  writer->SetFileName(writePath);
  writer->SetUseCompression(compress);
  try {
    writer->Update();
  } catch (const std::exception& error) {
    const std::string reason = writeFailureReason(writePath);
    throw outputFailed(
        targetPath, "cannot write: " + detail::describeItkError(error) + (reason.empty() ? "" : " (" + reason + ")"));
  }
}

// ITK 5.2's NIfTI and MetaImage writers report nothing when the voxels do not fit (full disk, quota, file
// size limit): they would leave a file that looks finished and ends early. So the written file's length is
// checked against its header before the commit, as the reader checks it.
void checkWrittenFile(const std::string& writePath, const std::string& targetPath) {
  const std::string format = detail::formatOfFileName(writePath);
  try {
    if (format == "NIfTI") {
      detail::checkNiftiComplete(writePath);
    } else if (format == "MetaImage") {
      auto header = itk::MetaImageIO::New();
      header->SetFileName(writePath);
      header->ReadImageInformation();
      detail::checkMetaImageComplete(writePath, header);
    }
  } catch (const std::exception&) {
    const std::string reason = writeFailureReason(writePath);
    throw outputFailed(targetPath, "cannot write: the file ended before its voxels" +
                                       (reason.empty() ? std::string() : " (" + reason + ")"));
  }
}

// .nhdr/.mhd: ITK writes the header and a data file named after it. Each header gets a data file of
// its own, "<header name>.raw" (ct.nhdr -> ct.nhdr.raw, ct.mhd -> ct.mhd.raw), so that no two headers
// ever share voxels; ITK is given the header name twice ("ct.nhdr.nhdr") to name the data file so.
// Both are written into a temporary folder beside the target and committed as one unit (a nested
// OutputTransaction): the data file first, the header last, and a failure between the two brings the
// previous data file back.
template <typename ImageType>
void writeDetached(const ImageType* image, const std::string& path) {
  const fs::path target(path);
  const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) {
    throw outputFailed(path, "cannot create the output folder " + folder.string() + ": " + error.message());
  }
  removeStaleTemporaries(path);
  const fs::path staging = temporaryPathFor(path, ".d");
  if (!fs::create_directory(staging, error)) {
    throw outputFailed(path, "cannot create a temporary folder in " + folder.string() + ": " + error.message());
  }
  TemporaryFolderGuard guard(staging);
  const std::string name = target.filename().string();
  const fs::path header = staging / (name + target.extension().string());
  runWriter(image, header.string(), path, false);
  checkWrittenFile(header.string(), path);
  throwIfInterrupted();
  OutputTransaction unit;
  for (const auto& entry : fs::directory_iterator(staging)) {
    if (entry.path() != header) {
      commitFile(entry.path().string(), (folder / entry.path().filename()).string());
    }
  }
  commitFile(header.string(), path);
  unit.commit();
}

template <typename ImageType>
void writeAnyImage(const ImageType* image, const std::string& path) {
  if (image == nullptr) {
    throw internalError("writeImage called without an image for " + path);
  }
  detail::registerImageIOFactories();
  const std::string format = detail::formatOfFileName(path);
  if (format.empty()) {
    throw unsupported(path, unknownFormat());
  }
  if (hasDetachedData(path)) {
    writeDetached(image, path);
    return;
  }
  AtomicOutput output(path);
  // A plain .nii stays uncompressed (other tools read it by its name); everything else is compressed.
  const bool plainNifti = format == "NIfTI" && path.size() >= 4 && path.compare(path.size() - 4, 4, ".nii") == 0;
  runWriter(image, output.temporaryPath(), path, !plainNifti);
  checkWrittenFile(output.temporaryPath(), path);
  output.commit();
}

template <typename PixelType>
void writeAs(const FloatImage* image, const std::string& path) {
  using OutputImage = itk::Image<PixelType, 3>;
  auto converted = OutputImage::New();
  applyGeometry(geometryOf(image), converted);
  converted->Allocate();
  const auto count = converted->GetLargestPossibleRegion().GetNumberOfPixels();
  const float* input = image->GetBufferPointer();
  PixelType* output = converted->GetBufferPointer();
  for (std::size_t index = 0; index < count; ++index) {
    if constexpr (std::is_integral_v<PixelType>) {
      output[index] = static_cast<PixelType>(std::lround(input[index]));
    } else {
      output[index] = static_cast<PixelType>(input[index]);
    }
  }
  writeAnyImage(converted.GetPointer(), path);
}

struct ValueSummary {
  double minimum = 0.0;
  double maximum = 0.0;
  bool allIntegers = true;
};

ValueSummary summarize(const FloatImage* image) {
  ValueSummary summary;
  const auto count = image->GetBufferedRegion().GetNumberOfPixels();
  const float* values = image->GetBufferPointer();
  if (count == 0) {
    return summary;
  }
  summary.minimum = summary.maximum = values[0];
  for (std::size_t index = 0; index < count; ++index) {
    const double value = values[index];
    summary.minimum = std::min(summary.minimum, value);
    summary.maximum = std::max(summary.maximum, value);
    if (summary.allIntegers && (!std::isfinite(value) || value != std::round(value))) {
      summary.allIntegers = false;
    }
  }
  return summary;
}

template <typename PixelType>
bool holds(const ValueSummary& summary) {
  return summary.allIntegers && summary.minimum >= static_cast<double>(std::numeric_limits<PixelType>::lowest()) &&
         summary.maximum <= static_cast<double>(std::numeric_limits<PixelType>::max());
}

}  // namespace

void checkImageOutput(const std::string& path) {
  if (!isWritableImagePath(path)) {
    throw unsupported(path, unknownFormat());
  }
  checkOutputFile(path);
}

PixelTypeHint pixelTypeHintFor(const std::string& storedPixelType) {
  if (storedPixelType == "uint8") {
    return PixelTypeHint::UInt8;
  }
  if (storedPixelType == "int16") {
    return PixelTypeHint::Int16;
  }
  if (storedPixelType == "uint16") {
    return PixelTypeHint::UInt16;
  }
  if (storedPixelType == "int32") {
    return PixelTypeHint::Int32;
  }
  if (storedPixelType == "float" || storedPixelType == "double") {
    return PixelTypeHint::Float32;
  }
  return PixelTypeHint::Automatic;
}

void writeImage(const FloatImage* image, const std::string& path, PixelTypeHint hint) {
  if (image == nullptr) {
    throw internalError("writeImage called without an image for " + path);
  }
  if (hint == PixelTypeHint::Float32) {
    writeAnyImage(image, path);
    return;
  }
  const ValueSummary summary = summarize(image);
  if (hint == PixelTypeHint::Automatic) {
    hint = holds<std::uint8_t>(summary)    ? PixelTypeHint::UInt8
           : holds<std::int16_t>(summary)  ? PixelTypeHint::Int16
           : holds<std::uint16_t>(summary) ? PixelTypeHint::UInt16
           : holds<std::int32_t>(summary)  ? PixelTypeHint::Int32
                                           : PixelTypeHint::Float32;
  }
  const bool fits = (hint == PixelTypeHint::UInt8 && holds<std::uint8_t>(summary)) ||
                    (hint == PixelTypeHint::Int16 && holds<std::int16_t>(summary)) ||
                    (hint == PixelTypeHint::UInt16 && holds<std::uint16_t>(summary)) ||
                    (hint == PixelTypeHint::Int32 && holds<std::int32_t>(summary));
  if (!fits) {
    if (hint != PixelTypeHint::Float32) {
      spdlog::info("{}: values ({} .. {}{}) do not fit the requested integer type; writing float32", path,
                   summary.minimum, summary.maximum, summary.allIntegers ? "" : ", not all integers");
    }
    writeAnyImage(image, path);
    return;
  }
  switch (hint) {
    case PixelTypeHint::UInt8: writeAs<std::uint8_t>(image, path); break;
    case PixelTypeHint::Int16: writeAs<std::int16_t>(image, path); break;
    case PixelTypeHint::UInt16: writeAs<std::uint16_t>(image, path); break;
    default: writeAs<std::int32_t>(image, path); break;
  }
}

void writeLabelImage(const LabelImage* labels, const std::string& path) {
  if (labels == nullptr) {
    throw internalError("writeLabelImage called without an image for " + path);
  }
  const auto count = labels->GetBufferedRegion().GetNumberOfPixels();
  const auto* values = labels->GetBufferPointer();
  const unsigned short largest = count == 0 ? 0 : *std::max_element(values, values + count);
  if (largest > 255) {
    writeAnyImage(labels, path);
    return;
  }
  using ByteLabels = itk::Image<std::uint8_t, 3>;
  auto narrow = ByteLabels::New();
  applyGeometry(geometryOf(labels), narrow);
  narrow->Allocate();
  std::transform(values, values + count, narrow->GetBufferPointer(),
                 [](unsigned short label) { return static_cast<std::uint8_t>(label); });
  writeAnyImage(narrow.GetPointer(), path);
}

void writeMultiChannelImage(const VoxelBuffer& buffer, const std::string& path,
                            const std::vector<ComponentLabel>& components) {
  using VectorImage = itk::VectorImage<float, 3>;
  const std::size_t channels = buffer.channels;
  const std::size_t voxels = buffer.geometry.voxelCount();
  if (channels == 0 || buffer.values.size() != channels * voxels) {
    throw internalError("writeMultiChannelImage: the buffer for " + path + " does not hold channels x voxels values");
  }
  if (!components.empty() && components.size() != channels) {
    throw internalError("writeMultiChannelImage: " + std::to_string(components.size()) + " component labels for " +
                        std::to_string(channels) + " channels of " + path);
  }
  auto image = VectorImage::New();
  applyGeometry(buffer.geometry, image);
  image->SetNumberOfComponentsPerPixel(static_cast<unsigned>(channels));
  image->Allocate();
  // VoxelBuffer is channel-major; a vector image interleaves the channels of each voxel.
  float* interleaved = image->GetBufferPointer();
  for (std::size_t c = 0; c < channels; ++c) {
    const float* source = buffer.channel(c);
    for (std::size_t voxel = 0; voxel < voxels; ++voxel) {
      interleaved[voxel * channels + c] = source[voxel];
    }
  }
  putComponentLabels(components, image->GetMetaDataDictionary());
  writeAnyImage(image.GetPointer(), path);
  if (!components.empty()) {
    writeComponentLabelsSidecar(components, path);
  }
}

}  // namespace skipseg::io
