skipseg_module(SkipSegProgramRender
  DESCRIPTION "skipseg-render: options and entry point (label meshes in world coordinates, slice mosaic and 3D picture)"
  DEPENDS SkipSegCommandLine
  PRIVATE_DEPENDS SkipSegRender SkipSegEvaluation SkipSegImageIO
  TEST_DEPENDS SkipSegImageIO)
