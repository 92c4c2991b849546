#pragma once
// Text and boxes drawn into an RgbPicture, for the captions, legends and axis titles that make a
// picture readable without the terminal. Glyphs come from VTK's FreeType tools with the font VTK
// embeds (Arial), so drawing needs neither an X display nor an OpenGL context and gives the same
// pixels on every machine with the same VTK.
#include "skipseg/render/RgbPicture.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace skipseg::render {

using Rgb = std::array<std::uint8_t, 3>;

/// A colour with components in [0, 1] (LabelInfo::color) as bytes, clamped and rounded.
Rgb rgbOf(const std::array<double, 3>& colour);

struct PixelBox {
  int x = 0, y = 0;  ///< top-left corner, pixels from the picture's top-left
  int width = 0, height = 0;
  int right() const { return x + width; }
  int bottom() const { return y + height; }
};

struct TextStyle {
  int size = 14;  ///< pixels from the lowest descender to the highest ascender
  bool bold = false;
  Rgb colour{{255, 255, 255}};
  /// A one-pixel dark halo around the glyphs, so that text stays readable over a scan of any brightness.
  bool halo = false;
};

/// The box `text` takes in `style` (one line; the height is the font's, whatever the letters).
PixelBox measureText(const std::string& text, const TextStyle& style);

/// `text` broken into lines no wider than `width` pixels: at runs of two or more spaces when it has any (items
/// such as "Scan: a.nii     Model: b.ssm" stay whole), else at every space. A piece wider than `width` gets
/// a line of its own.
std::vector<std::string> wrapText(const std::string& text, const TextStyle& style, int width);

/// Draws one line of `text` (UTF-8) with its top-left corner at (x, y), clipped to the picture;
/// returns the box it took.
PixelBox drawText(RgbPicture& picture, int x, int y, const std::string& text, const TextStyle& style);

/// Fills `box` (clipped to the picture) with `colour`.
void fillBox(RgbPicture& picture, const PixelBox& box, const Rgb& colour);

/// A picture of `width` x `height` pixels filled with `colour`.
RgbPicture blankPicture(int width, int height, const Rgb& colour);

/// Copies `source` into `target` with its top-left corner at (x, y), clipped.
void pastePicture(RgbPicture& target, const RgbPicture& source, int x, int y);

}  // namespace skipseg::render
