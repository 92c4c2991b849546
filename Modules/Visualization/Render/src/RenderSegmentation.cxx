#include "skipseg/render/RenderSegmentation.h"

#include "skipseg/render/AnnotatedPictures.h"

#include "skipseg/core/Error.h"
#include "skipseg/core/Logging.h"
#include "skipseg/evaluation/GridMatching.h"
#include "skipseg/evaluation/LabelTable.h"
#include "skipseg/evaluation/SegmentationMetrics.h"

#include <cctype>

namespace skipseg::render {
namespace {

std::array<double, 3> colourOf(const std::vector<LabelInfo>& table, int label) {
  for (const auto& info : table) {
    if (info.id == label) {
      return info.color;
    }
  }
  return defaultLabelColor(label);
}

}  // namespace

std::string fileNameSafe(const std::string& name) {
  std::string safe;
  for (const char c : name) {
    safe += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '_';
  }
  return safe.empty() ? "label" : safe;
}

RenderResult renderSegmentation(const LabelImage& labels, const FloatImage* image,
                                const std::vector<LabelInfo>& labelTable, const std::string& outputDirectory,
                                const RenderOptions& options, ProgressReporter& progress) {
  const std::string& format = options.meshFormat;
  if (format != "vtp" && format != "stl" && format != "obj" && format != "none") {
    throw usageError("mesh format must be vtp, stl, obj or none, not \"" + format + "\"");
  }
  if (image != nullptr && !evaluation::sameGrid(labels, *image)) {
    throw badInput(outputDirectory, "the labels (" + evaluation::describeGrid(labels) + ") and the image (" +
                                        evaluation::describeGrid(*image) + ") are on different grids");
  }
  RenderResult result;
  const auto present = evaluation::labelsPresent(labels);
  std::vector<ColouredMesh> meshes;
  if (format != "none" || options.surfaces) {
    progress.start("meshes", std::to_string(present.size()) + " labels");
    for (std::size_t index = 0; index < present.size(); ++index) {
      const int label = present[index];
      const std::string name = evaluation::labelName(labelTable, label);
      ColouredMesh item{labelSurface(labels, label, options.mesh), colourOf(labelTable, label)};
      if (format != "none") {
        const std::string path =
            outputDirectory + "/" + std::to_string(label) + "_" + fileNameSafe(name) + "." + format;
        writeMesh(*item.mesh, path, options.mesh.coordinateSystem, "label " + std::to_string(label) + " " + name);
        result.files.push_back(path);
        spdlog::info("label {} ({}): {} triangles -> {}", label, name, item.mesh->GetNumberOfPolys(), path);
      }
      meshes.push_back(item);
      progress.update(static_cast<double>(index + 1) / static_cast<double>(present.size()));
    }
    progress.finish();
  }
  if (options.slices) {
    const std::string path = outputDirectory + "/slices.png";
    writePng(sliceMosaicFigure(labels, image, labelTable, options.mosaic, options.title).picture, path);
    result.files.push_back(path);
    spdlog::info("slice mosaic -> {}", path);
  }
  if (options.surfaces) {
    SurfaceRenderOptions surfaceOptions = options.surfaceRender;
    surfaceOptions.coordinateSystem = options.mesh.coordinateSystem;
    const std::string path = outputDirectory + "/surfaces.png";
    writePng(surfaceFigure(meshes, labelLegend(labels, labelTable), surfaceOptions, options.title).picture, path);
    result.files.push_back(path);
    spdlog::info("3D render -> {}", path);
  }
  return result;
}

}  // namespace skipseg::render
