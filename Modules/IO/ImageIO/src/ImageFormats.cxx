#include "skipseg/io/ImageFormats.h"

#include <algorithm>
#include <cctype>

namespace skipseg::io {
namespace {

std::string lowerCase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The longest extension of `formats` that `path` ends with, and its format; {nullptr, ""} for none.
std::pair<const ImageFormat*, std::string> matchExtension(const std::string& path) {
  const std::string name = lowerCase(path);
  std::pair<const ImageFormat*, std::string> best{nullptr, ""};
  for (const auto& format : imageFormats()) {
    for (const auto& extension : format.extensions) {
      if (extension.size() > best.second.size() && name.size() > extension.size() && endsWith(name, extension)) {
        best = {&format, extension};
      }
    }
  }
  return best;
}

std::string joinAsList(const std::vector<std::string>& items, const std::string& lastSeparator) {
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == items.size() ? lastSeparator : ", ") + items[i];
  }
  return text;
}

}  // namespace

const std::vector<ImageFormat>& imageFormats() {
  static const std::vector<ImageFormat> formats = [] {
    std::vector<ImageFormat> list(4);
    list[0].name = "NIfTI";
    list[0].extensions = {".nii", ".nii.gz"};
    list[0].writable = true;
    list[1].name = "NRRD";
    list[1].extensions = {".nrrd", ".nhdr"};
    list[1].detachedHeaderExtensions = {".nhdr"};
    list[1].writable = true;
    list[1].componentNamesInHeader = true;
    list[2].name = "MetaImage";
    list[2].extensions = {".mha", ".mhd"};
    list[2].detachedHeaderExtensions = {".mhd"};
    list[2].writable = true;
    list[2].componentNamesInHeader = true;
    list[3].name = "DICOM";
    list[3].extensions = {".dcm"};
    list[3].readsFolders = true;
    return list;
  }();
  return formats;
}

const ImageFormat* imageFormatOfPath(const std::string& path) {
  return matchExtension(path).first;
}

bool isWritableImagePath(const std::string& path) {
  const ImageFormat* format = imageFormatOfPath(path);
  return format != nullptr && format->writable;
}

bool hasImageFileExtension(const std::string& path) {
  return isWritableImagePath(path);
}

bool hasDetachedData(const std::string& path) {
  const auto [format, extension] = matchExtension(path);
  return format != nullptr &&
         std::find(format->detachedHeaderExtensions.begin(), format->detachedHeaderExtensions.end(), extension) !=
             format->detachedHeaderExtensions.end();
}

std::vector<std::string> imageFileExtensions() {
  std::vector<std::string> extensions;
  for (const auto& format : imageFormats()) {
    if (format.writable) {
      extensions.insert(extensions.end(), format.extensions.begin(), format.extensions.end());
    }
  }
  return extensions;
}

std::vector<std::string> slicerImageExtensions() {
  // Slicer passes its temporary files in the first type a module lists: NRRD, Slicer's own. Detached
  // headers are left out: Slicer would have to hand over two files.
  std::vector<const ImageFormat*> order;
  for (const auto& format : imageFormats()) {
    if (format.writable) {
      order.insert(format.name == "NRRD" ? order.begin() : order.end(), &format);
    }
  }
  std::vector<std::string> extensions;
  for (const ImageFormat* format : order) {
    for (const auto& extension : format->extensions) {
      if (!hasDetachedData("x" + extension)) {
        extensions.push_back(extension);
      }
    }
  }
  return extensions;
}

std::string withoutImageExtension(const std::string& path) {
  const auto match = matchExtension(path);
  return match.first == nullptr ? path : path.substr(0, path.size() - match.second.size());
}

std::string describeWritableExtensions() {
  return joinAsList(imageFileExtensions(), " or ");
}

std::string describeReadableInputs() {
  return joinAsList(imageFileExtensions(), ", ") + " or a DICOM folder";
}

}  // namespace skipseg::io
