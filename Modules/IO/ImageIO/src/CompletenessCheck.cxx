#include "CompletenessCheck.h"

#include "skipseg/core/Error.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace fs = std::filesystem;

namespace skipseg::io::detail {
namespace {

[[noreturn]] void throwTruncated(const std::string& path, std::uint64_t promised, std::uint64_t actual,
                                 const std::string& what) {
  std::ostringstream problem;
  problem << "is truncated: the header promises " << promised << " bytes" << what << ", the file has " << actual;
  throw badInput(path, problem.str());
}

// Reads `count` bytes at `offset` of a NIfTI header, reversing them when the file is big endian.
template <typename T>
T headerValue(const unsigned char* header, std::size_t offset, bool swapped) {
  unsigned char bytes[sizeof(T)];
  for (std::size_t index = 0; index < sizeof(T); ++index) {
    bytes[index] = swapped ? header[offset + sizeof(T) - 1 - index] : header[offset + index];
  }
  T value;
  std::memcpy(&value, bytes, sizeof(T));
  return value;
}

// The bytes a NIfTI-1 (348-byte header) or NIfTI-2 (540-byte) file must hold: vox_offset plus the voxels as
// stored (dim and bitpix from the header: ITK reports the type after scaling, not the stored one).
// Zero when the header is neither.
std::uint64_t niftiPromisedLength(const unsigned char* header) {
  for (const bool swapped : {false, true}) {
    const auto size = headerValue<std::int32_t>(header, 0, swapped);
    std::uint64_t voxels = 1;
    if (size == 348) {
      const auto dimensions = std::min<std::int16_t>(7, headerValue<std::int16_t>(header, 40, swapped));
      for (int axis = 1; axis <= dimensions; ++axis) {
        voxels *= static_cast<std::uint64_t>(
            std::max<std::int16_t>(1, headerValue<std::int16_t>(header, 40 + 2 * axis, swapped)));
      }
      const auto bits = static_cast<std::uint64_t>(headerValue<std::int16_t>(header, 72, swapped));
      return static_cast<std::uint64_t>(headerValue<float>(header, 108, swapped)) + voxels * bits / 8;
    }
    if (size == 540) {
      const auto dimensions = std::min<std::int64_t>(7, headerValue<std::int64_t>(header, 16, swapped));
      for (int axis = 1; axis <= dimensions; ++axis) {
        voxels *= static_cast<std::uint64_t>(
            std::max<std::int64_t>(1, headerValue<std::int64_t>(header, 16 + 8 * axis, swapped)));
      }
      const auto bits = static_cast<std::uint64_t>(headerValue<std::int16_t>(header, 14, swapped));
      return static_cast<std::uint64_t>(headerValue<std::int64_t>(header, 168, swapped)) + voxels * bits / 8;
    }
  }
  return 0;
}

// The decompressed length of a gzip file, counted by decompressing it (stops early on an error).
std::uint64_t decompressedLength(const std::string& path, unsigned char* firstBytes, std::size_t firstCount) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) {
    return 0;
  }
  std::vector<unsigned char> buffer(1 << 20);
  std::uint64_t total = 0;
  for (;;) {
    const int read = gzread(file, buffer.data(), static_cast<unsigned>(buffer.size()));
    if (read <= 0) {
      break;
    }
    if (total < firstCount) {
      std::memcpy(firstBytes + total, buffer.data(), std::min<std::uint64_t>(firstCount - total, read));
    }
    total += static_cast<std::uint64_t>(read);
  }
  gzclose(file);
  return total;
}

}  // namespace

void checkNiftiComplete(const std::string& path) {
  unsigned char header[544] = {};
  std::uint64_t length = 0;
  {
    std::ifstream file(path, std::ios::binary);
    file.read(reinterpret_cast<char*>(header), sizeof(header));
  }
  const bool gzipped = header[0] == 0x1f && header[1] == 0x8b;
  if (gzipped) {
    length = decompressedLength(path, header, sizeof(header));
  } else {
    length = fs::file_size(path);
  }
  const std::uint64_t promised = niftiPromisedLength(header);
  if (promised == 0) {
    return;  // not a single-file NIfTI header (e.g. .hdr/.img pairs): ITK checked what it could
  }
  if (length < promised) {
    throwTruncated(path, promised, length, gzipped ? " once decompressed" : "");
  }
}

void checkMetaImageComplete(const std::string& path, const itk::ImageIOBase* imageIO) {
  std::ifstream file(path, std::ios::binary);
  std::string line;
  bool compressed = false;
  std::uint64_t compressedSize = 0;
  std::string dataFile;
  while (std::getline(file, line)) {
    const auto equals = line.find('=');
    if (equals == std::string::npos) {
      continue;
    }
    std::string key = line.substr(0, equals);
    std::string value = line.substr(equals + 1);
    auto trim = [](std::string& text) {
      text.erase(0, text.find_first_not_of(" \t\r"));
      text.erase(text.find_last_not_of(" \t\r") + 1);
    };
    trim(key);
    trim(value);
    if (key == "CompressedData") {
      compressed = value == "True" || value == "true";
    } else if (key == "CompressedDataSize") {
      compressedSize = std::stoull(value);
    } else if (key == "ElementDataFile") {
      dataFile = value;
      break;  // the last header line
    }
  }
  if (dataFile.empty() || dataFile == "LIST" || dataFile.find('%') != std::string::npos) {
    return;  // slice lists: MetaIO checks them itself
  }
  std::uint64_t available = 0;
  if (dataFile == "LOCAL") {
    const auto headerEnd = static_cast<std::uint64_t>(file.tellg());
    available = fs::file_size(path) - headerEnd;
  } else {
    const fs::path dataPath = fs::path(path).parent_path() / dataFile;
    std::error_code error;
    available = fs::file_size(dataPath, error);
    if (error) {
      throw badInput(path, "its data file " + dataFile + " is missing");
    }
  }
  const std::uint64_t promised = compressed ? compressedSize : imageIO->GetImageSizeInBytes();
  if (promised > 0 && available < promised) {
    throwTruncated(path, promised, available, compressed ? " of compressed data" : " of voxels");
  }
}

}  // namespace skipseg::io::detail
