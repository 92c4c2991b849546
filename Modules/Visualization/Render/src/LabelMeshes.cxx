#include "skipseg/render/LabelMeshes.h"

#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/Error.h"
#include "skipseg/render/WorldGeometry.h"

#include <vtkCellArray.h>
#include <vtkDiscreteFlyingEdges3D.h>
#include <vtkFieldData.h>
#include <vtkFloatArray.h>
#include <vtkIdList.h>
#include <vtkImageData.h>
#include <vtkMatrix4x4.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPolyDataNormals.h>
#include <vtkQuadricDecimation.h>
#include <vtkReverseSense.h>
#include <vtkSTLWriter.h>
#include <vtkStringArray.h>
#include <vtkTransform.h>
#include <vtkTransformPolyDataFilter.h>
#include <vtkTriangleFilter.h>
#include <vtkWindowedSincPolyDataFilter.h>
#include <vtkXMLPolyDataWriter.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

namespace skipseg::render {
namespace {

// The label as a 0/1 vtkImageData in index space, over its bounding box grown by one voxel.
// Returns nullptr when the label is absent.
vtkSmartPointer<vtkImageData> croppedMask(const LabelImage& labels, int label) {
  const auto size = labels.GetLargestPossibleRegion().GetSize();
  const long nx = static_cast<long>(size[0]), ny = static_cast<long>(size[1]), nz = static_cast<long>(size[2]);
  const auto* voxels = labels.GetBufferPointer();
  long lower[3] = {nx, ny, nz}, upper[3] = {-1, -1, -1};
  std::size_t index = 0;
  for (long k = 0; k < nz; ++k) {
    for (long j = 0; j < ny; ++j) {
      for (long i = 0; i < nx; ++i, ++index) {
        if (voxels[index] == label) {
          lower[0] = std::min(lower[0], i), upper[0] = std::max(upper[0], i);
          lower[1] = std::min(lower[1], j), upper[1] = std::max(upper[1], j);
          lower[2] = std::min(lower[2], k), upper[2] = std::max(upper[2], k);
        }
      }
    }
  }
  if (upper[0] < 0) {
    return nullptr;
  }
  auto mask = vtkSmartPointer<vtkImageData>::New();
  int dimensions[3];
  for (int axis = 0; axis < 3; ++axis) {
    dimensions[axis] = static_cast<int>(upper[axis] - lower[axis] + 3);
  }
  mask->SetDimensions(dimensions);
  mask->SetOrigin(static_cast<double>(lower[0] - 1), static_cast<double>(lower[1] - 1),
                  static_cast<double>(lower[2] - 1));
  mask->SetSpacing(1.0, 1.0, 1.0);
  mask->AllocateScalars(VTK_UNSIGNED_CHAR, 1);
  auto* out = static_cast<unsigned char*>(mask->GetScalarPointer());
  std::fill(out, out + static_cast<std::size_t>(dimensions[0]) * dimensions[1] * dimensions[2], 0);
  for (long k = lower[2]; k <= upper[2]; ++k) {
    for (long j = lower[1]; j <= upper[1]; ++j) {
      for (long i = lower[0]; i <= upper[0]; ++i) {
        if (voxels[(k * ny + j) * nx + i] == label) {
          const long x = i - lower[0] + 1, y = j - lower[1] + 1, z = k - lower[2] + 1;
          out[(z * dimensions[1] + y) * dimensions[0] + x] = 1;
        }
      }
    }
  }
  return mask;
}

vtkSmartPointer<vtkTransform> worldTransform(const LabelImage& labels, CoordinateSystem coordinateSystem) {
  Affine affine = indexToWorld(labels);
  if (coordinateSystem == CoordinateSystem::RAS) {
    for (int column = 0; column < 4; ++column) {  // RAS = diag(-1, -1, 1) * LPS
      affine[column] = -affine[column];
      affine[4 + column] = -affine[4 + column];
    }
  }
  vtkNew<vtkMatrix4x4> matrix;
  matrix->DeepCopy(affine.data());
  auto transform = vtkSmartPointer<vtkTransform>::New();
  transform->SetMatrix(matrix);
  return transform;
}

void writeObj(const vtkPolyData& constMesh, const std::string& path, const std::string& header) {
  auto& mesh = const_cast<vtkPolyData&>(constMesh);  // VTK's getters are not const
  std::ofstream out(path);
  out << "# " << header << "\n";
  char line[160];
  for (vtkIdType point = 0; point < mesh.GetNumberOfPoints(); ++point) {
    double p[3];
    mesh.GetPoint(point, p);
    std::snprintf(line, sizeof line, "v %.6f %.6f %.6f\n", p[0], p[1], p[2]);
    out << line;
  }
  vtkDataArray* normals = mesh.GetPointData()->GetNormals();
  if (normals != nullptr) {
    for (vtkIdType point = 0; point < mesh.GetNumberOfPoints(); ++point) {
      double n[3];
      normals->GetTuple(point, n);
      std::snprintf(line, sizeof line, "vn %.5f %.5f %.5f\n", n[0], n[1], n[2]);
      out << line;
    }
  }
  vtkCellArray* polygons = mesh.GetPolys();
  vtkNew<vtkIdList> ids;
  for (polygons->InitTraversal(); polygons->GetNextCell(ids);) {
    out << "f";
    for (vtkIdType index = 0; index < ids->GetNumberOfIds(); ++index) {
      const vtkIdType id = ids->GetId(index) + 1;  // OBJ counts from 1
      out << " " << id;
      if (normals != nullptr) {
        out << "//" << id;
      }
    }
    out << "\n";
  }
  out.flush();
  if (!out) {
    throw outputFailed(path, "cannot write the mesh");
  }
}

}  // namespace

const char* coordinateSystemName(CoordinateSystem coordinateSystem) {
  return coordinateSystem == CoordinateSystem::LPS ? "LPS" : "RAS";
}

vtkSmartPointer<vtkPolyData> labelSurface(const LabelImage& labels, int label, const MeshOptions& options) {
  auto result = vtkSmartPointer<vtkPolyData>::New();
  const auto mask = croppedMask(labels, label);
  if (!mask) {
    return result;
  }
  vtkNew<vtkDiscreteFlyingEdges3D> contour;
  contour->SetInputData(mask);
  contour->SetValue(0, 1.0);
  contour->ComputeNormalsOff();
  contour->ComputeGradientsOff();
  contour->ComputeScalarsOff();

  vtkNew<vtkTransformPolyDataFilter> toWorld;
  toWorld->SetInputConnection(contour->GetOutputPort());
  const auto transform = worldTransform(labels, options.coordinateSystem);
  toWorld->SetTransform(transform);
  vtkAlgorithmOutput* last = toWorld->GetOutputPort();

  // Smoothing runs in world space so that anisotropic voxels are smoothed by millimetres, not indices.
  vtkNew<vtkWindowedSincPolyDataFilter> smoother;
  if (options.smoothingIterations > 0) {
    smoother->SetInputConnection(last);
    smoother->SetNumberOfIterations(options.smoothingIterations);
    smoother->SetPassBand(options.smoothingPassBand);
    smoother->NormalizeCoordinatesOn();
    smoother->BoundarySmoothingOff();
    smoother->FeatureEdgeSmoothingOff();
    smoother->NonManifoldSmoothingOn();
    last = smoother->GetOutputPort();
  }
  vtkNew<vtkQuadricDecimation> decimator;
  if (options.decimation > 0.0) {
    decimator->SetInputConnection(last);
    decimator->SetTargetReduction(std::min(options.decimation, 0.99));
    decimator->VolumePreservationOn();
    last = decimator->GetOutputPort();
  }
  // A mirroring map (negative determinant) turns triangles inside out; turn them back.
  vtkNew<vtkReverseSense> reverse;
  if (transform->GetMatrix()->Determinant() < 0) {
    reverse->SetInputConnection(last);
    reverse->ReverseCellsOn();
    reverse->ReverseNormalsOff();
    last = reverse->GetOutputPort();
  }
  vtkNew<vtkPolyDataNormals> normals;
  normals->SetInputConnection(last);
  normals->SplittingOff();
  normals->ConsistencyOn();
  normals->ComputePointNormalsOn();
  normals->Update();
  result->ShallowCopy(normals->GetOutput());
  return result;
}

void writeMesh(const vtkPolyData& constMesh, const std::string& path, CoordinateSystem coordinateSystem,
               const std::string& description) {
  auto& mesh = const_cast<vtkPolyData&>(constMesh);
  const std::string lower = [&] {
    std::string text = path;
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
  }();
  auto endsWith = [&](const std::string& suffix) {
    return lower.size() >= suffix.size() && lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  const std::string space = std::string("SPACE=") + coordinateSystemName(coordinateSystem);
  // The space comes first: binary STL keeps only 80 header bytes.
  const std::string header = space + " SkipSeg " + (description.empty() ? std::string("mesh") : description);
  if (!endsWith(".vtp") && !endsWith(".stl") && !endsWith(".obj")) {
    throw unsupported(path, "mesh format not supported (use .vtp, .stl or .obj)");
  }
  AtomicOutput output(path);
  bool written = true;
  if (endsWith(".vtp")) {
    // 3D Slicer reads the coordinate system of .vtp models from this field-data array.
    vtkNew<vtkPolyData> copy;
    copy->ShallowCopy(&mesh);
    vtkNew<vtkFieldData> fieldData;
    vtkNew<vtkStringArray> spaceArray;
    spaceArray->SetName("SPACE");
    spaceArray->InsertNextValue(coordinateSystemName(coordinateSystem));
    fieldData->AddArray(spaceArray);
    if (!description.empty()) {
      vtkNew<vtkStringArray> name;
      name->SetName("Description");
      name->InsertNextValue(description);
      fieldData->AddArray(name);
    }
    copy->SetFieldData(fieldData);
    vtkNew<vtkXMLPolyDataWriter> writer;
    writer->SetInputData(copy);
    writer->SetFileName(output.temporaryPath().c_str());
    writer->SetCompressorTypeToZLib();
    writer->SetDataModeToAppended();
    written = writer->Write() == 1;
  } else if (endsWith(".stl")) {
    vtkNew<vtkTriangleFilter> triangles;
    triangles->SetInputData(&mesh);
    vtkNew<vtkSTLWriter> writer;
    writer->SetInputConnection(triangles->GetOutputPort());
    writer->SetFileName(output.temporaryPath().c_str());
    writer->SetFileTypeToBinary();
    writer->SetHeader(header.c_str());
    written = writer->Write() == 1;
  } else {
    writeObj(mesh, output.temporaryPath(), header);
  }
  if (!written) {
    throw outputFailed(path, "cannot write the mesh");
  }
  output.commit();
}

}  // namespace skipseg::render
