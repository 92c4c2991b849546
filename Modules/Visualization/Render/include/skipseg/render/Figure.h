#pragma once
// A picture made readable on its own: a title strip above it (what scan, which labels, which model), and
// below it a legend (each label's colour, id, name and volume), a scale bar and a line of notes. The
// views themselves carry their orientation letters (drawn by the callers that know the view, see
// AnnotatedPictures.h). Everything is drawn into pixels, so no display is needed.
#include "skipseg/core/ModelDescription.h"
#include "skipseg/render/PictureText.h"

#include <string>
#include <vector>

namespace skipseg::render {

struct LegendEntry {
  int id = 0;
  std::string name;
  std::array<double, 3> colour{{0.8, 0.8, 0.8}};  ///< components in [0, 1]
  std::string note;                               ///< e.g. the volume, "512.3 mL"
};

struct FigureContent {
  std::string title;     ///< one line, bold, e.g. "Scan: ch2.nii.gz     Model: brain-demo.ssm"
  std::string subtitle;  ///< one line under it (what the picture shows)
  std::vector<LegendEntry> legend;
  double millimetresPerPixel = 0;  ///< the body's pixel size; 0: no scale bar
  std::vector<std::string> notes;  ///< short lines under the legend (window, conventions)
};

/// A word drawn on the body (an orientation letter, a view's name), where it went in the composed picture.
struct FigureMarker {
  std::string text;
  PixelBox box;
};

/// Where each part went in the composed picture (tests check these regions; callers may add to them).
struct FigureLayout {
  PixelBox title, subtitle, body;
  std::vector<PixelBox> swatches;  ///< one per legend entry, filled with its colour
  std::vector<PixelBox> legendTexts;
  PixelBox scaleBar;   ///< the bar itself: scaleBarMillimetres long
  PixelBox scaleText;  ///< "50 mm"
  double scaleBarMillimetres = 0;
  std::vector<PixelBox> notes;
  std::vector<FigureMarker> markers;  ///< filled by the pictures that draw markers on their body
};

struct Figure {
  RgbPicture picture;
  FigureLayout layout;
};

/// The colours used around the body.
inline constexpr Rgb kFigureBackground{{0, 0, 0}};
inline constexpr Rgb kFigureText{{235, 235, 235}};

/// A round length (1, 2 or 5 times a power of ten, mm) whose bar is at most `maximumPixels` long.
double scaleBarLength(double millimetresPerPixel, int maximumPixels);

/// Composes title strip + `body` + legend, scale bar and notes into one picture, at least as wide as the body.
Figure composeFigure(const RgbPicture& body, const FigureContent& content);

/// Legend entries for the labels present (ids in `present`), with names and colours from `table`
/// (unnamed: "label_<id>" and defaultLabelColor) and `notes` (same order as `present`, may be empty).
std::vector<LegendEntry> legendFor(const std::vector<int>& present, const std::vector<LabelInfo>& table,
                                   const std::vector<std::string>& notes = {});

}  // namespace skipseg::render
