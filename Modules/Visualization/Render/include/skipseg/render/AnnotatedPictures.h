#pragma once
// slices.png and surfaces.png as skipseg-render and skipseg-segment write them: the views with what a
// reader needs to understand them without the terminal. A title (scan, labels, model), the name of each
// view and the patient direction at each of its edges (R/L, A/P, S/I), a legend of the labels present
// (colour, id, name, volume), a scale bar and notes on the display (grey window, radiological convention).
#include "skipseg/render/Figure.h"
#include "skipseg/render/SliceMosaic.h"
#include "skipseg/render/SurfaceRender.h"

#include <string>
#include <vector>

namespace skipseg::render {

/// The annotated slice mosaic (renderSliceMosaic() plus the annotations); `image` may be null.
Figure sliceMosaicFigure(const LabelImage& labels, const FloatImage* image, const std::vector<LabelInfo>& table,
                         const MosaicOptions& options = {}, const std::string& title = "");

/// The annotated 3D picture of `meshes` seen from the front (renderSurfaceView() plus the annotations).
Figure surfaceFigure(const std::vector<ColouredMesh>& meshes, const std::vector<LegendEntry>& legend,
                     const SurfaceRenderOptions& options = {}, const std::string& title = "");

/// Legend entries for the labels present in `labels`, each with its volume ("12.3 mL").
std::vector<LegendEntry> labelLegend(const LabelImage& labels, const std::vector<LabelInfo>& table);

/// The usual title: "Scan: ch2.nii.gz     Labels: ch2-labels.nii.gz     Model: brain-demo.ssm", file names only,
/// empty parts left out.
std::string pictureTitle(const std::string& scan, const std::string& labels, const std::string& model);

}  // namespace skipseg::render
