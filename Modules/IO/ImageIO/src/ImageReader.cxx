#include "skipseg/io/ImageReader.h"

#include "CompletenessCheck.h"
#include "ImageIOFactories.h"
#include "PixelTypeNames.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/Logging.h"
#include "skipseg/io/DicomSeries.h"
#include "skipseg/io/Geometry.h"
#include "skipseg/io/ImageFormats.h"

#include <itkGDCMImageIO.h>
#include <itkImageFileReader.h>
#include <itkImageIOFactory.h>
#include <itkVectorImage.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace skipseg::io {
namespace {

// Opens the header of a supported file; throws the user-facing error when it cannot.
itk::ImageIOBase::Pointer openHeader(const std::string& path, const std::string& format) {
  auto imageIO = itk::ImageIOFactory::CreateImageIO(path.c_str(), itk::IOFileModeEnum::ReadMode);
  if (!imageIO) {
    throw badInput(path, "not a readable " + format + " file (corrupt or truncated header)");
  }
  imageIO->SetFileName(path);
  try {
    imageIO->ReadImageInformation();
  } catch (const std::exception& error) {
    throw badInput(path, "cannot read the " + format + " header: " + detail::describeItkError(error));
  }
  return imageIO;
}

// One 3D volume with one value per voxel is what SkipSeg reads; say exactly what else was found.
void checkShape(const std::string& path, const itk::ImageIOBase* imageIO) {
  if (imageIO->GetNumberOfComponents() != 1) {
    throw unsupported(path,
                      "has " + std::to_string(imageIO->GetNumberOfComponents()) +
                          " values per voxel (vector or RGB data); SkipSeg reads images with one value per voxel");
  }
  const unsigned dimensions = imageIO->GetNumberOfDimensions();
  std::size_t volumes = 1;
  for (unsigned axis = 3; axis < dimensions; ++axis) {
    volumes *= imageIO->GetDimensions(axis);
  }
  if (volumes > 1) {
    std::ostringstream shape;
    for (unsigned axis = 0; axis < dimensions; ++axis) {
      shape << (axis ? "x" : "") << imageIO->GetDimensions(axis);
    }
    throw unsupported(path, "is " + std::to_string(dimensions) + "D (" + shape.str() + ", " + std::to_string(volumes) +
                                " volumes); SkipSeg reads one 3D volume: split it first");
  }
  if (dimensions < 2) {
    throw badInput(path, "is not an image volume (" + std::to_string(dimensions) + " dimension)");
  }
}

// A file that ends before its voxels is refused here: ITK 5.2's NIfTI and MetaImage readers would not say so.
void checkComplete(const std::string& path, const std::string& format, itk::ImageIOBase* imageIO) {
  if (format == "NIfTI") {
    detail::checkNiftiComplete(path);
  } else if (format == "MetaImage") {
    detail::checkMetaImageComplete(path, imageIO);
  }
}

// The voxels through an opened header, as ImageType (one float per voxel, or a vector per voxel).
template <typename ImageType>
typename ImageType::Pointer readVoxels(const std::string& path, itk::ImageIOBase* imageIO) {
  auto reader = itk::ImageFileReader<ImageType>::New();
  reader->SetImageIO(imageIO);
  reader->SetFileName(path);
  try {
    reader->Update();
  } catch (const std::exception& error) {
    throw badInput(path, "cannot read the voxels: " + detail::describeItkError(error));
  }
  typename ImageType::Pointer image = reader->GetOutput();
  image->DisconnectPipeline();
  return image;
}

ReadResult readImageFile(const std::string& path, const std::string& format) {
  auto imageIO = openHeader(path, format);
  checkShape(path, imageIO);
  checkComplete(path, format, imageIO);
  ReadResult result;
  result.info.format = format;
  result.info.pixelType = detail::pixelTypeName(imageIO->GetComponentType());
  result.info.components = imageIO->GetNumberOfComponents();
  result.image = readVoxels<FloatImage>(path, imageIO);
  return result;
}

// checkShape without the one-component rule.
void checkVolumeShape(const std::string& path, itk::ImageIOBase* imageIO) {
  const unsigned components = imageIO->GetNumberOfComponents();
  imageIO->SetNumberOfComponents(1);
  try {
    checkShape(path, imageIO);
  } catch (...) {
    imageIO->SetNumberOfComponents(components);
    throw;
  }
  imageIO->SetNumberOfComponents(components);
}

bool isDicomFile(const std::string& path) {
  auto dicom = itk::GDCMImageIO::New();
  return dicom->CanReadFile(path.c_str());
}

}  // namespace

void registerImageIOFactories() {
  detail::registerImageIOFactories();
}

GantryTilt gantryTiltFromName(const std::string& name) {
  if (name == "resample") {
    return GantryTilt::Resample;
  }
  if (name == "refuse") {
    return GantryTilt::Refuse;
  }
  throw usageError("--gantry-tilt must be resample or refuse, not '" + name + "'");
}

ReadResult readImage(const std::string& path, const ReadOptions& options) {
  detail::registerImageIOFactories();
  std::error_code error;
  if (!fs::exists(path, error)) {
    throw badInput(path, "no such file or folder");
  }
  ReadResult result;
  if (fs::is_directory(path, error)) {
    result = readDicomSeries(path, options);
  } else {
    const std::string format = detail::formatOfFileName(path);
    if (!format.empty()) {
      result = readImageFile(path, format);
    } else if (isDicomFile(path)) {
      // A single DICOM file is read as a series of its own (one slice, or the frames of a multi-frame file).
      result = readDicomSeries(path, options);
    } else {
      throw unsupported(path, "unknown image format; SkipSeg reads " + describeReadableInputs());
    }
  }
  spdlog::info("Read {} ({} {}, {} values): {}", path, result.info.format, result.info.pixelType,
               result.info.pixelType == "float" || result.info.pixelType == "double" ? "real" : "integer",
               geometryOf(result.image).describe());
  return result;
}

LabelImage::Pointer readLabelImage(const std::string& path, const ReadOptions& options) {
  const ReadResult read = readImage(path, options);
  const FloatImage* image = read.image;
  auto labels = LabelImage::New();
  applyGeometry(geometryOf(image), labels);
  labels->Allocate();
  const auto size = image->GetLargestPossibleRegion().GetSize();
  const float* values = image->GetBufferPointer();
  unsigned short* output = labels->GetBufferPointer();
  const std::size_t count = image->GetLargestPossibleRegion().GetNumberOfPixels();
  for (std::size_t index = 0; index < count; ++index) {
    const float value = values[index];
    if (!(value >= 0.0f && value <= 65535.0f && value == std::round(value))) {
      const std::size_t i = index % size[0];
      const std::size_t j = (index / size[0]) % size[1];
      const std::size_t k = index / (size[0] * size[1]);
      std::ostringstream problem;
      problem << "is not a label map: voxel (" << i << ", " << j << ", " << k << ") holds " << value
              << " (labels are integers from 0 to 65535)";
      throw badInput(path, problem.str());
    }
    output[index] = static_cast<unsigned short>(value);
  }
  return labels;
}

ImageInfo readImageInfo(const std::string& path) {
  detail::registerImageIOFactories();
  std::error_code error;
  if (!fs::exists(path, error)) {
    throw badInput(path, "no such file or folder");
  }
  ImageInfo info;
  if (fs::is_directory(path, error)) {
    info.format = "DICOM";
    info.dicomSeries = listDicomSeries(path);
    return info;
  }
  const std::string format = detail::formatOfFileName(path);
  if (format.empty()) {
    if (isDicomFile(path)) {
      info.format = "DICOM";
      info.dicomSeries = listDicomSeries(path);
      return info;
    }
    throw unsupported(path, "unknown image format; SkipSeg reads " + describeReadableInputs());
  }
  auto imageIO = openHeader(path, format);
  info.format = format;
  info.pixelType = detail::pixelTypeName(imageIO->GetComponentType());
  info.components = imageIO->GetNumberOfComponents();
  return info;
}

MultiChannelReadResult readMultiChannelImage(const std::string& path) {
  detail::registerImageIOFactories();
  const std::string format = detail::formatOfFileName(path);
  if (format.empty()) {
    throw unsupported(path, "unknown image format; SkipSeg reads " + describeReadableInputs());
  }
  auto imageIO = openHeader(path, format);
  checkVolumeShape(path, imageIO);
  checkComplete(path, format, imageIO);
  using VectorImage = itk::VectorImage<float, 3>;
  const VectorImage::Pointer image = readVoxels<VectorImage>(path, imageIO);
  MultiChannelReadResult result;
  result.info.format = format;
  result.info.pixelType = detail::pixelTypeName(imageIO->GetComponentType());
  result.info.components = image->GetNumberOfComponentsPerPixel();
  result.voxels = VoxelBuffer(geometryOf(image), result.info.components);
  // A vector image interleaves the components of each voxel; VoxelBuffer is channel-major.
  const float* interleaved = image->GetBufferPointer();
  const std::size_t voxels = result.voxels.geometry.voxelCount();
  for (std::size_t c = 0; c < result.info.components; ++c) {
    float* target = result.voxels.channel(c);
    for (std::size_t voxel = 0; voxel < voxels; ++voxel) {
      target[voxel] = interleaved[voxel * result.info.components + c];
    }
  }
  result.components = readComponentLabels(path, imageIO->GetMetaDataDictionary());
  if (!result.components.empty() && result.components.size() != result.info.components) {
    throw badInput(path, "names " + std::to_string(result.components.size()) + " components but has " +
                             std::to_string(result.info.components));
  }
  return result;
}

}  // namespace skipseg::io
