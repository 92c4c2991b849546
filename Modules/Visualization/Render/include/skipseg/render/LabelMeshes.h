#pragma once
// Surface meshes of labels, in world coordinates.
//
// Each label's voxels are cropped (plus one empty voxel all round, so a structure cut by the field
// of view is closed), contoured in index space by VTK's discrete flying edges at the label value,
// moved to world space by the image's full index-to-LPS map (direction included), smoothed by a
// windowed-sinc filter (volume-preserving, unlike Laplacian smoothing), optionally decimated, and
// given outward normals.
//
// Coordinates: meshes are written in LPS by default, the convention of ITK, DICOM and 3D Slicer's
// model files since Slicer 4.11. Files carry the space: .vtp a field-data string array "SPACE" = "LPS",
// .stl and .obj a "SPACE=LPS" header comment, which is what Slicer's model reader looks for, so a
// mesh loads onto its scan without moving. RAS is available for tools that expect it (flagged "RAS").
#include "skipseg/evaluation/LabelImage.h"

#include <vtkPolyData.h>
#include <vtkSmartPointer.h>

#include <string>

namespace skipseg::render {

using evaluation::FloatImage;
using evaluation::LabelImage;

enum class CoordinateSystem { LPS, RAS };

struct MeshOptions {
  int smoothingIterations = 20;    ///< windowed-sinc iterations; 0 turns smoothing off
  double smoothingPassBand = 0.1;  ///< lower keeps less high-frequency detail (0..2)
  double decimation = 0.0;         ///< fraction of triangles to remove (quadric decimation), 0 keeps all
  CoordinateSystem coordinateSystem = CoordinateSystem::LPS;
};

/// The surface of `label` (empty polydata when the label has no voxel).
vtkSmartPointer<vtkPolyData> labelSurface(const LabelImage& labels, int label, const MeshOptions& options = {});

/// Writes a mesh as .vtp, .stl or .obj (by extension), atomically, marked with its coordinate system.
/// Throws Unsupported for another extension, OutputFailed when the file cannot be written.
void writeMesh(const vtkPolyData& mesh, const std::string& path, CoordinateSystem coordinateSystem,
               const std::string& description = "");

/// "LPS" or "RAS".
const char* coordinateSystemName(CoordinateSystem coordinateSystem);

}  // namespace skipseg::render
