skipseg_module(SkipSegProgramInfo
  DESCRIPTION "skipseg-info: the geometry and storage of an image file or DICOM folder as JSON"
  DEPENDS SkipSegCommandLine
  PRIVATE_DEPENDS SkipSegImageIO
  PRIVATE_EXTERNAL Json Log
  TEST_DEPENDS SkipSegImageIO)
