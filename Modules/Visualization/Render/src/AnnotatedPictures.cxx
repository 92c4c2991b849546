#include "skipseg/render/AnnotatedPictures.h"

#include "skipseg/evaluation/SegmentationMetrics.h"
#include "skipseg/render/WorldGeometry.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

namespace skipseg::render {
namespace {

const TextStyle kMarkerStyle{16, true, {{255, 255, 255}}, true};
const TextStyle kViewNameStyle{14, false, {{255, 235, 130}}, true};
constexpr int kInset = 4;  // pixels between a marker and its panel's edge

// Draws `text` in `style` at (x, y) on `body` and records it as a marker.
void mark(RgbPicture& body, std::vector<FigureMarker>& markers, const std::string& text, int x, int y,
          const TextStyle& style) {
  markers.push_back({text, drawText(body, x, y, text, style)});
}

// The four direction letters at the middle of a view's edges and its name in the top-left corner.
void markView(RgbPicture& body, std::vector<FigureMarker>& markers, const PixelBox& view, const ViewMarkers& names) {
  const PixelBox letter = measureText("M", kMarkerStyle);
  const auto width = [](const std::string& text) { return measureText(text, kMarkerStyle).width; };
  const int middleY = view.y + (view.height - letter.height) / 2;
  mark(body, markers, names.left, view.x + kInset, middleY, kMarkerStyle);
  mark(body, markers, names.right, view.right() - kInset - width(names.right), middleY, kMarkerStyle);
  mark(body, markers, names.top, view.x + (view.width - width(names.top)) / 2, view.y + kInset, kMarkerStyle);
  mark(body, markers, names.bottom, view.x + (view.width - width(names.bottom)) / 2,
       view.bottom() - kInset - letter.height, kMarkerStyle);
  mark(body, markers, names.name, view.x + kInset, view.y + kInset, kViewNameStyle);
}

// Markers were drawn on the body; the figure placed the body below its title.
Figure composeWithMarkers(const RgbPicture& body, const FigureContent& content, std::vector<FigureMarker> markers) {
  Figure figure = composeFigure(body, content);
  for (auto& marker : markers) {
    marker.box.x += figure.layout.body.x;
    marker.box.y += figure.layout.body.y;
  }
  figure.layout.markers = std::move(markers);
  return figure;
}

std::string volumeText(double millilitres) {
  char text[32];
  std::snprintf(text, sizeof text,
                millilitres >= 10    ? "%.0f mL"
                : millilitres >= 0.1 ? "%.1f mL"
                                     : "%.3f mL",
                millilitres);
  return text;
}

// What the label table names but the labels do not hold: a clinician should see "not found", not guess it
// from a missing legend entry. Long lists (a 117-structure table) are counted instead of listed.
std::string absentNote(const std::vector<LabelInfo>& table, const std::vector<LegendEntry>& legend) {
  std::vector<std::string> absent;
  for (const auto& info : table) {
    const bool present =
        std::any_of(legend.begin(), legend.end(), [&info](const LegendEntry& entry) { return entry.id == info.id; });
    if (!present) {
      absent.push_back(std::to_string(info.id) + " " + info.name);
    }
  }
  constexpr std::size_t kMostListed = 8;
  if (absent.empty()) {
    return "";
  }
  if (absent.size() > kMostListed) {
    return std::to_string(absent.size()) + " other structures named by the label table are not in this segmentation.";
  }
  std::string note = "Named but not found in this segmentation:";
  for (std::size_t index = 0; index < absent.size(); ++index) {
    note += (index == 0 ? " " : ", ") + absent[index];
  }
  return note + ".";
}

}  // namespace

std::vector<LegendEntry> labelLegend(const LabelImage& labels, const std::vector<LabelInfo>& table) {
  // One counter per possible label value: a plain array keeps a pass over a large CT well under a second.
  std::vector<std::size_t> voxels(std::size_t{1} << (8 * sizeof(LabelImage::PixelType)), 0);
  const std::size_t count = labels.GetLargestPossibleRegion().GetNumberOfPixels();
  const auto* buffer = labels.GetBufferPointer();
  for (std::size_t index = 0; index < count; ++index) {
    ++voxels[buffer[index]];
  }
  // The voxel volume from the full index-to-world map (direction included), in mL.
  const double voxelMillilitres = std::abs(linearDeterminant(indexToWorld(labels))) / 1000.0;
  std::vector<int> present;
  std::vector<std::string> notes;
  for (std::size_t label = 1; label < voxels.size(); ++label) {
    if (voxels[label] > 0) {
      present.push_back(static_cast<int>(label));
      notes.push_back(volumeText(static_cast<double>(voxels[label]) * voxelMillilitres));
    }
  }
  return legendFor(present, table, notes);
}

std::string pictureTitle(const std::string& scan, const std::string& labels, const std::string& model) {
  std::string title;
  const auto add = [&title](const std::string& what, const std::string& path) {
    if (!path.empty()) {
      title += (title.empty() ? "" : "     ") + what + ": " + std::filesystem::path(path).filename().string();
    }
  };
  add("Scan", scan);
  add("Labels", labels);
  add("Model", model);
  return title;
}

Figure sliceMosaicFigure(const LabelImage& labels, const FloatImage* image, const std::vector<LabelInfo>& table,
                         const MosaicOptions& options, const std::string& title) {
  RgbPicture body = renderSliceMosaic(labels, image, table, options);
  const MosaicLayout layout = mosaicLayout(labels, options);
  std::vector<FigureMarker> markers;
  for (int view = 0; view < 3; ++view) {
    const PixelBox panel{layout.panelLeft[view], 0, layout.panelSize[view][0], layout.panelSize[view][1]};
    if (view > 0) {  // the gap between two panels in grey: the panels stay apart over black air
      fillBox(body,
              {layout.panelLeft[view - 1] + layout.panelSize[view - 1][0], 0,
               panel.x - layout.panelLeft[view - 1] - layout.panelSize[view - 1][0], body.height},
              {{90, 90, 90}});
    }
    markView(body, markers, panel, mosaicViewMarkers(view));
  }
  FigureContent content;
  content.title = title;
  const int opacity = static_cast<int>(std::lround(options.labelOpacity * 100));
  content.subtitle = image != nullptr ? "Slices through the centre of the labels; labels drawn at " +
                                            std::to_string(opacity) + " % over the scan"
                                      : "Slices through the centre of the labels (no scan given: labels on black)";
  content.legend = labelLegend(labels, table);
  content.millimetresPerPixel = layout.pixelSize;
  content.notes.push_back(
      "Radiological display: the patient's right (R) is on the picture's left; axial seen from the feet, "
      "sagittal from the right.");
  if (image != nullptr) {
    content.notes.push_back("Grey window: " + windowDescription(*image, options) + ".");
  }
  if (content.legend.empty()) {
    content.notes.push_back("No structure was found: the label map holds background only.");
  }
  if (const std::string absent = absentNote(table, content.legend); !absent.empty()) {
    content.notes.push_back(absent);
  }
  return composeWithMarkers(body, content, std::move(markers));
}

Figure surfaceFigure(const std::vector<ColouredMesh>& meshes, const std::vector<LegendEntry>& legend,
                     const SurfaceRenderOptions& options, const std::string& title) {
  SurfaceView view = renderSurfaceView(meshes, options);
  std::vector<FigureMarker> markers;
  markView(view.picture, markers, {0, 0, view.picture.width, view.picture.height}, {"Front view", "R", "L", "S", "I"});
  FigureContent content;
  content.title = title;
  content.subtitle = "3D surfaces of the labels, seen from the front (anterior); parallel projection";
  content.legend = legend;
  content.millimetresPerPixel = view.millimetresPerPixel;
  content.notes.push_back("The patient's right (R) is on the picture's left, as when facing the patient.");
  if (legend.empty()) {
    content.notes.push_back("No structure was found: the label map holds background only.");
  }
  return composeWithMarkers(view.picture, content, std::move(markers));
}

}  // namespace skipseg::render
