#include "TestImages.h"

#include "skipseg/core/Error.h"
#include "skipseg/render/LabelMeshes.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <vtkCenterOfMass.h>
#include <vtkDataArray.h>
#include <vtkFieldData.h>
#include <vtkMassProperties.h>
#include <vtkNew.h>
#include <vtkOBJReader.h>
#include <vtkPointData.h>
#include <vtkSTLReader.h>
#include <vtkStringArray.h>
#include <vtkTriangleFilter.h>
#include <vtkXMLPolyDataReader.h>

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

namespace {

using namespace skipseg::render;
using namespace skipseg::render::testing;

constexpr double radius = 10.0;  // mm
const double pi = std::acos(-1.0);

struct SphereCase {
  LabelImage::Pointer labels;
  std::array<double, 3> centre;
};

SphereCase sphereOn(const Grid& grid) {
  SphereCase sphere{makeLabelImage(grid), {}};
  const auto middle = gridCentre(*sphere.labels);
  sphere.centre = {middle[0] + 1.3, middle[1] - 0.7, middle[2] + 2.1};  // off the voxel lattice
  paintBall(*sphere.labels, sphere.centre, radius, 6);
  return sphere;
}

std::array<double, 3> meanPoint(vtkPolyData* mesh) {
  vtkNew<vtkCenterOfMass> centre;
  centre->SetInputData(mesh);
  centre->SetUseScalarsAsWeights(false);
  centre->Update();
  const double* c = centre->GetCenter();
  return {c[0], c[1], c[2]};
}

// Windowed-sinc smoothing removes the voxel staircase (which alone inflates the area by tens of
// percent) while keeping the volume: a 10 mm sphere sampled at <= 0.7 mm must measure within 2 %.
void expectSphereInWorld(const Grid& grid) {
  const auto sphere = sphereOn(grid);
  const auto mesh = labelSurface(*sphere.labels, 6);
  ASSERT_GT(mesh->GetNumberOfPolys(), 100);
  vtkNew<vtkTriangleFilter> triangles;
  triangles->SetInputData(mesh);
  vtkNew<vtkMassProperties> mass;
  mass->SetInputConnection(triangles->GetOutputPort());
  mass->Update();
  const double volume = 4.0 / 3.0 * pi * radius * radius * radius;
  const double area = 4.0 * pi * radius * radius;
  EXPECT_NEAR(mass->GetVolume(), volume, 0.02 * volume);
  EXPECT_NEAR(mass->GetSurfaceArea(), area, 0.02 * area);
  const auto centre = meanPoint(mesh);
  for (int axis = 0; axis < 3; ++axis) {
    EXPECT_NEAR(centre[axis], sphere.centre[axis], 0.2) << "axis " << axis;
  }
  // Normals point outwards (away from the centre) everywhere.
  vtkDataArray* normals = mesh->GetPointData()->GetNormals();
  ASSERT_NE(normals, nullptr);
  int outward = 0;
  for (vtkIdType point = 0; point < mesh->GetNumberOfPoints(); ++point) {
    double p[3], n[3];
    mesh->GetPoint(point, p);
    normals->GetTuple(point, n);
    outward +=
        (p[0] - sphere.centre[0]) * n[0] + (p[1] - sphere.centre[1]) * n[1] + (p[2] - sphere.centre[2]) * n[2] > 0;
  }
  EXPECT_GT(outward, 0.99 * mesh->GetNumberOfPoints());
}

TEST(LabelMeshes, SphereHasExpectedAreaVolumeAndWorldCentre) {
  Grid grid;
  grid.size = {56, 46, 40};
  grid.spacing = {0.5, 0.6, 0.7};
  grid.origin = {-20, 35, -110};
  expectSphereInWorld(grid);
}

TEST(LabelMeshes, ObliqueDirectionIsFollowed) {
  Grid grid;
  grid.size = {56, 46, 40};
  grid.spacing = {0.5, 0.6, 0.7};
  grid.origin = {5, -12, 40};
  const double norm = std::sqrt(1.0 + 4.0 + 9.0);
  grid.direction = rotation({1 / norm, 2 / norm, 3 / norm}, 35.0);
  expectSphereInWorld(grid);
}

TEST(LabelMeshes, PermutedMirroredDirectionIsFollowed) {
  Grid grid;
  grid.size = {46, 40, 56};
  grid.spacing = {0.6, 0.7, 0.5};
  grid.origin = {30, 30, -30};
  grid.direction = {0, 0, 1, -1, 0, 0, 0, -1, 0};  // permuted axes, two of them reversed (determinant +1)
  expectSphereInWorld(grid);
  grid.direction = {0, 0, -1, 1, 0, 0, 0, 1, 0};  // determinant -1: triangles must be turned back
  expectSphereInWorld(grid);
}

TEST(LabelMeshes, RasCoordinatesNegateXAndY) {
  Grid grid;
  grid.size = {30, 30, 30};
  auto labels = makeLabelImage(grid);
  paintBall(*labels, {12, 14, 16}, 6, 1);
  MeshOptions ras;
  ras.coordinateSystem = CoordinateSystem::RAS;
  const auto lpsCentre = meanPoint(labelSurface(*labels, 1));
  const auto rasCentre = meanPoint(labelSurface(*labels, 1, ras));
  EXPECT_NEAR(rasCentre[0], -lpsCentre[0], 1e-6);
  EXPECT_NEAR(rasCentre[1], -lpsCentre[1], 1e-6);
  EXPECT_NEAR(rasCentre[2], lpsCentre[2], 1e-6);
  EXPECT_NEAR(lpsCentre[0], 12, 0.2);
}

TEST(LabelMeshes, DecimationReducesTrianglesAndKeepsTheShape) {
  Grid grid;
  grid.size = {30, 30, 30};
  auto labels = makeLabelImage(grid);
  paintBall(*labels, gridCentre(*labels), 10, 1);
  MeshOptions decimated;
  decimated.decimation = 0.75;
  const auto full = labelSurface(*labels, 1);
  const auto reduced = labelSurface(*labels, 1, decimated);
  EXPECT_LT(reduced->GetNumberOfPolys(), 0.35 * full->GetNumberOfPolys());
  vtkNew<vtkMassProperties> mass;
  mass->SetInputData(reduced);
  mass->Update();
  EXPECT_NEAR(mass->GetVolume(), 4.0 / 3.0 * pi * 1000.0, 0.04 * 4.0 / 3.0 * pi * 1000.0);
}

TEST(LabelMeshes, AbsentLabelGivesAnEmptyMesh) {
  Grid grid;
  grid.size = {10, 10, 10};
  auto labels = makeLabelImage(grid);
  EXPECT_EQ(labelSurface(*labels, 3)->GetNumberOfPoints(), 0);
}

TEST(LabelMeshes, WrittenFilesCarryTheirCoordinateSystem) {
  Grid grid;
  grid.size = {20, 20, 20};
  auto labels = makeLabelImage(grid);
  paintBall(*labels, gridCentre(*labels), 5, 2);
  const auto mesh = labelSurface(*labels, 2);
  skipseg::testing::TemporaryDirectory folder;

  writeMesh(*mesh, folder.file("ball.vtp"), CoordinateSystem::LPS, "label 2 ball");
  vtkNew<vtkXMLPolyDataReader> vtp;
  vtp->SetFileName(folder.file("ball.vtp").c_str());
  vtp->Update();
  EXPECT_EQ(vtp->GetOutput()->GetNumberOfPoints(), mesh->GetNumberOfPoints());
  auto* space = vtkStringArray::SafeDownCast(vtp->GetOutput()->GetFieldData()->GetAbstractArray("SPACE"));
  ASSERT_NE(space, nullptr);
  EXPECT_EQ(space->GetValue(0), "LPS");

  writeMesh(*mesh, folder.file("ball.stl"), CoordinateSystem::RAS);
  std::ifstream stl(folder.file("ball.stl"), std::ios::binary);
  std::string header(80, '\0');
  stl.read(&header[0], 80);
  EXPECT_EQ(header.rfind("SPACE=RAS", 0), 0u) << header;
  vtkNew<vtkSTLReader> stlReader;
  stlReader->SetFileName(folder.file("ball.stl").c_str());
  stlReader->Update();
  EXPECT_EQ(stlReader->GetOutput()->GetNumberOfPolys(), mesh->GetNumberOfPolys());

  writeMesh(*mesh, folder.file("ball.obj"), CoordinateSystem::LPS);
  std::ifstream obj(folder.file("ball.obj"));
  std::string firstLine;
  std::getline(obj, firstLine);
  EXPECT_NE(firstLine.find("SPACE=LPS"), std::string::npos);
  vtkNew<vtkOBJReader> objReader;
  objReader->SetFileName(folder.file("ball.obj").c_str());
  objReader->Update();
  EXPECT_EQ(objReader->GetOutput()->GetNumberOfPolys(), mesh->GetNumberOfPolys());
  double bounds[6], expected[6];
  objReader->GetOutput()->GetBounds(bounds);
  mesh->GetBounds(expected);
  for (int i = 0; i < 6; ++i) {
    EXPECT_NEAR(bounds[i], expected[i], 1e-4);
  }
  EXPECT_EQ(folder.listing(), "ball.obj ball.stl ball.vtp");  // no temporaries left
}

TEST(LabelMeshes, UnknownMeshFormatIsUnsupported) {
  Grid grid;
  grid.size = {10, 10, 10};
  auto labels = makeLabelImage(grid);
  paintBall(*labels, gridCentre(*labels), 3, 1);
  skipseg::testing::TemporaryDirectory folder;
  try {
    writeMesh(*labelSurface(*labels, 1), folder.file("ball.ply"), CoordinateSystem::LPS);
    FAIL() << "no error";
  } catch (const skipseg::Error& error) {
    EXPECT_EQ(error.code(), skipseg::ExitCode::Unsupported);
    EXPECT_NE(std::string(error.what()).find("ball.ply: mesh format not supported"), std::string::npos);
  }
}

}  // namespace
