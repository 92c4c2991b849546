skipseg_module(SkipSegProgramConvert
  DESCRIPTION "skipseg-convert: any supported image or DICOM series to NIfTI NRRD or MetaImage with optional reorientation"
  DEPENDS SkipSegCommandLine
  PRIVATE_DEPENDS SkipSegImageIO
  PRIVATE_EXTERNAL Log
  TEST_DEPENDS SkipSegImageIO)
