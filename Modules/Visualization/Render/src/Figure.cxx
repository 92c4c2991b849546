#include "skipseg/render/Figure.h"

#include "skipseg/evaluation/LabelTable.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace skipseg::render {
namespace {

constexpr int kPadding = 10;
constexpr int kMinimumWidth = 560;  // room for a title and a few legend entries under a small picture
constexpr int kSwatch = 14;
constexpr Rgb kSubtleText{{175, 175, 175}};

const TextStyle kTitleStyle{18, true, kFigureText, false};
const TextStyle kSubtitleStyle{13, false, kSubtleText, false};
const TextStyle kLegendStyle{14, false, kFigureText, false};
const TextStyle kNoteStyle{12, false, kSubtleText, false};

std::string legendText(const LegendEntry& entry) {
  return std::to_string(entry.id) + " " + entry.name + (entry.note.empty() ? "" : "  " + entry.note);
}

std::string millimetresText(double millimetres) {
  std::ostringstream text;
  text << millimetres << " mm";
  return text.str();
}

struct PlacedLine {
  std::string text;
  const TextStyle* style;
  PixelBox box;
};

}  // namespace

double scaleBarLength(double millimetresPerPixel, int maximumPixels) {
  if (!(millimetresPerPixel > 0) || maximumPixels <= 0) {
    return 0;
  }
  const double longest = millimetresPerPixel * maximumPixels;
  const double decade = std::pow(10.0, std::floor(std::log10(longest)));
  for (const double step : {5.0, 2.0, 1.0}) {
    if (step * decade <= longest) {
      return step * decade;
    }
  }
  return decade;
}

std::vector<LegendEntry> legendFor(const std::vector<int>& present, const std::vector<LabelInfo>& table,
                                   const std::vector<std::string>& notes) {
  std::vector<LegendEntry> legend;
  for (std::size_t index = 0; index < present.size(); ++index) {
    LegendEntry entry;
    entry.id = present[index];
    entry.name = evaluation::labelName(table, entry.id);
    entry.colour = defaultLabelColor(entry.id);
    for (const auto& info : table) {
      if (info.id == entry.id) {
        entry.colour = info.color;
      }
    }
    entry.note = index < notes.size() ? notes[index] : "";
    legend.push_back(entry);
  }
  return legend;
}

Figure composeFigure(const RgbPicture& body, const FigureContent& content) {
  Figure figure;
  FigureLayout& layout = figure.layout;
  const int width = std::max(body.width, kMinimumWidth);
  const int textWidth = width - 2 * kPadding;
  // Lines of text to draw once the height is known; a paragraph's box covers all its wrapped lines.
  std::vector<PlacedLine> lines;
  const auto paragraph = [&](const std::string& text, const TextStyle& style, int& y, int gap) {
    PixelBox covered{kPadding, y, 0, 0};
    for (const auto& line : wrapText(text, style, textWidth)) {
      PixelBox box = measureText(line, style);
      box.x = kPadding, box.y = y;
      lines.push_back({line, &style, box});
      covered.width = std::max(covered.width, box.width);
      y = box.bottom() + gap;
      covered.height = y - gap - covered.y;
    }
    return covered;
  };

  // Header: title and subtitle.
  int y = kPadding;
  layout.title = paragraph(content.title, kTitleStyle, y, 2);
  layout.subtitle = paragraph(content.subtitle, kSubtitleStyle, y, 0);
  y += kPadding / 2;
  layout.body = {(width - body.width) / 2, y, body.width, body.height};
  y = layout.body.bottom() + kPadding;

  // Legend: swatch and text per entry, flowing into rows.
  int x = kPadding;
  int rowHeight = 0;
  for (const auto& entry : content.legend) {
    PixelBox text = measureText(legendText(entry), kLegendStyle);
    const int entryWidth = kSwatch + 6 + text.width + 18;
    if (x > kPadding && x + entryWidth > width - kPadding) {
      x = kPadding;
      y += rowHeight + 4;
    }
    rowHeight = std::max(rowHeight, text.height);
    layout.swatches.push_back({x, y + (text.height - kSwatch) / 2, kSwatch, kSwatch});
    text.x = x + kSwatch + 6, text.y = y;
    layout.legendTexts.push_back(text);
    lines.push_back({legendText(entry), &kLegendStyle, text});
    x += entryWidth;
  }
  if (!content.legend.empty()) {
    y += rowHeight + kPadding;
  }

  // Scale bar: a round length at most a quarter of the picture wide.
  layout.scaleBarMillimetres = scaleBarLength(content.millimetresPerPixel, std::max(40, width / 4));
  if (layout.scaleBarMillimetres > 0) {
    const int barPixels = static_cast<int>(std::lround(layout.scaleBarMillimetres / content.millimetresPerPixel));
    const std::string text = millimetresText(layout.scaleBarMillimetres);
    layout.scaleText = measureText(text, kLegendStyle);
    layout.scaleBar = {kPadding, y + layout.scaleText.height / 2 - 2, barPixels, 4};
    layout.scaleText.x = layout.scaleBar.right() + 8, layout.scaleText.y = y;
    lines.push_back({text, &kLegendStyle, layout.scaleText});
    y += layout.scaleText.height + kPadding / 2;
  }
  for (const auto& note : content.notes) {
    layout.notes.push_back(paragraph(note, kNoteStyle, y, 2));
  }
  y += kPadding - 2;

  // Drawing, now that the height is known.
  figure.picture = blankPicture(width, y, kFigureBackground);
  RgbPicture& picture = figure.picture;
  pastePicture(picture, body, layout.body.x, layout.body.y);
  for (std::size_t index = 0; index < content.legend.size(); ++index) {
    const PixelBox& swatch = layout.swatches[index];
    fillBox(picture, {swatch.x - 1, swatch.y - 1, swatch.width + 2, swatch.height + 2}, kSubtleText);
    fillBox(picture, swatch, rgbOf(content.legend[index].colour));
  }
  if (layout.scaleBarMillimetres > 0) {
    const PixelBox& bar = layout.scaleBar;
    fillBox(picture, bar, kFigureText);
    fillBox(picture, {bar.x, bar.y - 4, 2, bar.height + 8}, kFigureText);  // end ticks
    fillBox(picture, {bar.right() - 2, bar.y - 4, 2, bar.height + 8}, kFigureText);
  }
  for (const auto& line : lines) {
    drawText(picture, line.box.x, line.box.y, line.text, *line.style);
  }
  return figure;
}

}  // namespace skipseg::render
