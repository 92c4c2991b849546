#include "skipseg/render/PictureText.h"

#include "skipseg/core/Error.h"

#include <vtkFreeTypeTools.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkStdString.h>
#include <vtkTextProperty.h>

#include <algorithm>
#include <cmath>

namespace skipseg::render {
namespace {

// At 72 dots per inch a font size in points is a size in pixels.
constexpr int kDotsPerInch = 72;

vtkNew<vtkTextProperty> textProperty(const TextStyle& style) {
  vtkNew<vtkTextProperty> property;
  property->SetFontFamilyToArial();
  property->SetFontSize(style.size);
  property->SetBold(style.bold ? 1 : 0);
  property->SetColor(1.0, 1.0, 1.0);  // only the glyphs' coverage (alpha) is used
  return property;
}

// The glyphs' coverage, one byte per pixel, rows from the top; width x height of the line's box.
struct Coverage {
  int width = 0, height = 0;
  std::vector<std::uint8_t> alpha;
};

Coverage rasterise(const std::string& text, const TextStyle& style) {
  Coverage coverage;
  if (text.empty()) {
    return coverage;
  }
  auto property = textProperty(style);
  vtkNew<vtkImageData> image;
  int size[2] = {0, 0};
  if (!vtkFreeTypeTools::GetInstance()->RenderString(property, vtkStdString(text), kDotsPerInch, image, size)) {
    throw internalError("cannot draw the text \"" + text + "\" with FreeType");
  }
  coverage.width = size[0];
  coverage.height = size[1];
  coverage.alpha.assign(static_cast<std::size_t>(size[0]) * size[1], 0);
  for (int row = 0; row < size[1]; ++row) {
    for (int x = 0; x < size[0]; ++x) {
      // VTK's rows run bottom-up; the RGBA pixel's alpha is the glyph coverage.
      const auto* pixel = static_cast<const std::uint8_t*>(image->GetScalarPointer(x, row, 0));
      coverage.alpha[static_cast<std::size_t>(size[1] - 1 - row) * size[0] + x] = pixel[3];
    }
  }
  return coverage;
}

void blend(RgbPicture& picture, int x, int y, const Rgb& colour, std::uint8_t alpha) {
  if (alpha == 0 || x < 0 || y < 0 || x >= picture.width || y >= picture.height) {
    return;
  }
  const std::size_t offset = (static_cast<std::size_t>(y) * picture.width + x) * 3;
  for (int c = 0; c < 3; ++c) {
    const int mixed = (picture.pixels[offset + c] * (255 - alpha) + colour[c] * alpha + 127) / 255;
    picture.pixels[offset + c] = static_cast<std::uint8_t>(mixed);
  }
}

}  // namespace

Rgb rgbOf(const std::array<double, 3>& colour) {
  Rgb bytes{};
  for (int c = 0; c < 3; ++c) {
    bytes[c] = static_cast<std::uint8_t>(std::lround(std::clamp(colour[c], 0.0, 1.0) * 255.0));
  }
  return bytes;
}

PixelBox measureText(const std::string& text, const TextStyle& style) {
  const Coverage coverage = rasterise(text, style);
  return {0, 0, coverage.width, coverage.height};
}

std::vector<std::string> wrapText(const std::string& text, const TextStyle& style, int width) {
  // Where the text separates items with runs of spaces ("Scan: a.nii     Model: b.ssm"), only those runs
  // are break points, so that an item stays whole; otherwise every space is.
  const bool items = text.find("  ") != std::string::npos;
  std::vector<std::string> pieces, separators;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t gap = text.find(items ? "  " : " ", start);
    if (gap == std::string::npos) {
      pieces.push_back(text.substr(start));
      separators.emplace_back("");
      break;
    }
    const std::size_t next = text.find_first_not_of(' ', gap);
    pieces.push_back(text.substr(start, gap - start));
    separators.push_back(text.substr(gap, (next == std::string::npos ? text.size() : next) - gap));
    start = next == std::string::npos ? text.size() : next;
  }
  std::vector<std::string> lines;
  std::string line;
  for (std::size_t index = 0; index < pieces.size(); ++index) {
    const std::string longer = line.empty() ? pieces[index] : line + separators[index - 1] + pieces[index];
    if (!line.empty() && measureText(longer, style).width > width) {
      lines.push_back(line);
      line = pieces[index];
    } else {
      line = longer;
    }
  }
  if (!line.empty()) {
    lines.push_back(line);
  }
  return lines;
}

PixelBox drawText(RgbPicture& picture, int x, int y, const std::string& text, const TextStyle& style) {
  const Coverage coverage = rasterise(text, style);
  const Rgb dark{{0, 0, 0}};
  if (style.halo) {
    for (int dy = -1; dy <= 1; ++dy) {
      for (int dx = -1; dx <= 1; ++dx) {
        for (int row = 0; row < coverage.height; ++row) {
          for (int column = 0; column < coverage.width; ++column) {
            blend(picture, x + column + dx, y + row + dy, dark,
                  coverage.alpha[static_cast<std::size_t>(row) * coverage.width + column]);
          }
        }
      }
    }
  }
  for (int row = 0; row < coverage.height; ++row) {
    for (int column = 0; column < coverage.width; ++column) {
      blend(picture, x + column, y + row, style.colour,
            coverage.alpha[static_cast<std::size_t>(row) * coverage.width + column]);
    }
  }
  return {x, y, coverage.width, coverage.height};
}

void fillBox(RgbPicture& picture, const PixelBox& box, const Rgb& colour) {
  for (int y = std::max(0, box.y); y < std::min(picture.height, box.bottom()); ++y) {
    for (int x = std::max(0, box.x); x < std::min(picture.width, box.right()); ++x) {
      std::copy(colour.begin(), colour.end(),
                picture.pixels.begin() + static_cast<long>((static_cast<std::size_t>(y) * picture.width + x) * 3));
    }
  }
}

RgbPicture blankPicture(int width, int height, const Rgb& colour) {
  RgbPicture picture;
  picture.width = width;
  picture.height = height;
  picture.pixels.resize(static_cast<std::size_t>(width) * height * 3);
  for (std::size_t offset = 0; offset < picture.pixels.size(); offset += 3) {
    std::copy(colour.begin(), colour.end(), picture.pixels.begin() + static_cast<long>(offset));
  }
  return picture;
}

void pastePicture(RgbPicture& target, const RgbPicture& source, int x, int y) {
  for (int row = 0; row < source.height; ++row) {
    const int ty = y + row;
    if (ty < 0 || ty >= target.height) {
      continue;
    }
    const int first = std::max(0, -x), last = std::min(source.width, target.width - x);
    if (first >= last) {
      continue;
    }
    std::copy_n(
        source.pixels.begin() + static_cast<long>((static_cast<std::size_t>(row) * source.width + first) * 3),
        (last - first) * 3,
        target.pixels.begin() + static_cast<long>((static_cast<std::size_t>(ty) * target.width + x + first) * 3));
  }
}

}  // namespace skipseg::render
