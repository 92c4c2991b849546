#include "skipseg/core/ModelArchive.h"

#include "skipseg/core/Error.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <vector>

namespace skipseg {
namespace {

constexpr std::uint32_t kEndOfDirectory = 0x06054b50;
constexpr std::uint32_t kZip64EndOfDirectory = 0x06064b50;
constexpr std::uint32_t kZip64Locator = 0x07064b50;
constexpr std::uint32_t kDirectoryEntry = 0x02014b50;
constexpr std::uint32_t kLocalHeader = 0x04034b50;
constexpr std::uint64_t kLargestRecord = 64ull << 20;  // JSON records only: a bigger one is not ours

// Little-endian fields of a byte buffer; reads past the end give zero (checked by the callers' signatures).
std::uint64_t field(const std::vector<char>& bytes, std::size_t offset, int size) {
  std::uint64_t value = 0;
  for (int index = size - 1; index >= 0; --index) {
    const std::size_t at = offset + static_cast<std::size_t>(index);
    value = (value << 8) | (at < bytes.size() ? static_cast<std::uint8_t>(bytes[at]) : 0u);
  }
  return value;
}

class ZipFile {
 public:
  explicit ZipFile(const std::string& path) : path_(path), file_(path, std::ios::binary) {
    if (!file_) {
      throw badInput(path, "cannot read the file");
    }
    file_.seekg(0, std::ios::end);
    size_ = static_cast<std::uint64_t>(file_.tellg());
  }

  std::vector<char> read(std::uint64_t offset, std::uint64_t length) {
    if (offset > size_ || length > size_ - offset) {
      throw badInput(path_, "a truncated or corrupt zip archive (a record lies past the end of the file)");
    }
    std::vector<char> bytes(length);
    file_.seekg(static_cast<std::streamoff>(offset));
    file_.read(bytes.data(), static_cast<std::streamsize>(length));
    return bytes;
  }

  // The central directory: where it starts and how many entries it has (zip64 when the classic fields overflow).
  std::pair<std::uint64_t, std::uint64_t> directory() {
    const std::uint64_t tailLength = std::min<std::uint64_t>(size_, 22 + 65535);
    const std::vector<char> tail = read(size_ - tailLength, tailLength);
    for (std::size_t at = tail.size() >= 22 ? tail.size() - 22 : 0;; --at) {
      if (field(tail, at, 4) == kEndOfDirectory) {
        std::uint64_t entries = field(tail, at + 10, 2), offset = field(tail, at + 16, 4);
        if ((entries == 0xffff || offset == 0xffffffff) && at >= 20 && field(tail, at - 20, 4) == kZip64Locator) {
          const std::vector<char> record = read(field(tail, at - 20 + 8, 8), 56);
          if (field(record, 0, 4) != kZip64EndOfDirectory) {
            break;
          }
          entries = field(record, 32, 8);
          offset = field(record, 48, 8);
        }
        return {offset, entries};
      }
      if (at == 0) {
        break;
      }
    }
    throw badInput(path_, "not a zip archive (no end of central directory)");
  }

 private:
  std::string path_;
  std::ifstream file_;
  std::uint64_t size_ = 0;
};

// Sizes and offset of a directory entry, taken from its zip64 extra field where the classic ones overflow.
void applyZip64(const std::vector<char>& extra, std::uint64_t& uncompressed, std::uint64_t& compressed,
                std::uint64_t& localOffset) {
  for (std::size_t at = 0; at + 4 <= extra.size();) {
    const auto id = field(extra, at, 2), length = field(extra, at + 2, 2);
    if (id == 0x0001) {
      std::size_t value = at + 4;
      for (std::uint64_t* target : {&uncompressed, &compressed, &localOffset}) {
        if (*target == 0xffffffff && value + 8 <= at + 4 + length) {
          *target = field(extra, value, 8);
          value += 8;
        }
      }
    }
    at += 4 + length;
  }
}

bool namesRecord(const std::string& name, const std::string& record) {
  // "<top folder>/<record>": PyTorch's writer puts every record under one folder, named freely.
  const auto slash = name.find('/');
  return slash != std::string::npos && name.compare(slash + 1, std::string::npos, record) == 0;
}

}  // namespace

bool looksLikeZipArchive(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  char head[2] = {0, 0};
  return file.read(head, 2) && head[0] == 'P' && head[1] == 'K';
}

std::optional<std::string> readArchiveRecord(const std::string& path, const std::string& record) {
  ZipFile zip(path);
  const auto [directoryOffset, entries] = zip.directory();
  std::uint64_t at = directoryOffset;
  for (std::uint64_t entry = 0; entry < entries; ++entry) {
    const std::vector<char> header = zip.read(at, 46);
    if (field(header, 0, 4) != kDirectoryEntry) {
      throw badInput(path, "a corrupt zip archive (central directory entry " + std::to_string(entry) + ")");
    }
    const auto method = field(header, 10, 2);
    std::uint64_t compressed = field(header, 20, 4), uncompressed = field(header, 24, 4);
    const auto nameLength = field(header, 28, 2), extraLength = field(header, 30, 2), comment = field(header, 32, 2);
    std::uint64_t localOffset = field(header, 42, 4);
    const std::vector<char> nameAndExtra = zip.read(at + 46, nameLength + extraLength);
    const std::string name(nameAndExtra.begin(), nameAndExtra.begin() + static_cast<long>(nameLength));
    at += 46 + nameLength + extraLength + comment;
    if (!namesRecord(name, record)) {
      continue;
    }
    applyZip64({nameAndExtra.begin() + static_cast<long>(nameLength), nameAndExtra.end()}, uncompressed, compressed,
               localOffset);
    if (method != 0) {
      throw unsupported(path, "record " + name + " is compressed; PyTorch's writer stores records uncompressed");
    }
    if (uncompressed > kLargestRecord) {
      throw badInput(path, "record " + name + " is too large to be a model description");
    }
    const std::vector<char> local = zip.read(localOffset, 30);
    if (field(local, 0, 4) != kLocalHeader) {
      throw badInput(path, "a corrupt zip archive (local header of " + name + ")");
    }
    const std::vector<char> data = zip.read(localOffset + 30 + field(local, 26, 2) + field(local, 28, 2), uncompressed);
    return std::string(data.begin(), data.end());
  }
  return std::nullopt;
}

Json modelDescriptionInArchive(const std::string& path) {
  const auto parse = [&path](const std::string& text, const std::string& record) {
    try {
      return Json::parse(text);
    } catch (const Json::exception& error) {
      throw badInput(path, record + " is not valid JSON: " + error.what());
    }
  };
  if (const auto manifest = readArchiveRecord(path, "skipseg-model.json")) {
    const Json json = parse(*manifest, "skipseg-model.json");
    if (!json.contains("description") || !json.at("description").is_object()) {
      throw badInput(path, "the SkipSeg model file's manifest has no \"description\"");
    }
    return json.at("description");
  }
  if (const auto description = readArchiveRecord(path, "extra/skipseg.json")) {
    return parse(*description, "skipseg.json");
  }
  throw badInput(path,
                 "a zip archive with no model description (neither a SkipSeg .ssm nor a TorchScript model "
                 "saved with skipseg.json)");
}

}  // namespace skipseg
