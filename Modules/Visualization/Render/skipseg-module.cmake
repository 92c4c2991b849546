skipseg_module(SkipSegRender
  DESCRIPTION "Label surfaces as meshes in world coordinates (LPS) and pictures of a segmentation: a slice mosaic over the scan and an off-screen 3D render through VTK"
  DEPENDS SkipSegCommon SkipSegModelDescription SkipSegEvaluation
  EXTERNAL ITK VTK)
