#pragma once
// An RGB picture in memory and its PNG file. No ITK here: the training program draws its curves with
// it from a file that also includes Torch (Documentation/Architecture.md: no file includes both).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace skipseg::render {

struct RgbPicture {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  ///< RGB, row-major from the top-left corner
  std::array<std::uint8_t, 3> at(int x, int y) const;
};

/// Writes an RGB picture as PNG, atomically. Throws OutputFailed naming `path`.
void writePng(const RgbPicture& picture, const std::string& path);

}  // namespace skipseg::render
