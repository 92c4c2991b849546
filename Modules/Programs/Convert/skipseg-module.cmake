skipseg_module(SkipSegProgramConvert
  DESCRIPTION "skipseg-convert: any supported image or DICOM series to NIfTI NRRD or MetaImage with optional reorientation, and a label map to DICOM SEG or RTSTRUCT"
  DEPENDS SkipSegCommandLine
  PRIVATE_DEPENDS SkipSegImageIO SkipSegDicomObjects SkipSegEvaluation
  PRIVATE_EXTERNAL Log
  TEST_DEPENDS SkipSegImageIO)
