skipseg_module(SkipSegProgramConvert
  DESCRIPTION "skipseg-convert: any supported image or DICOM series to NIfTI NRRD or MetaImage with optional reorientation, and a label map to DICOM SEG or RTSTRUCT"
  DEPENDS SkipSegCommandLine
  OPTIONAL_DEPENDS SkipSegDicomObjects  # DICOM SEG and RTSTRUCT; refused in a build without DCMTK
  PRIVATE_DEPENDS SkipSegImageIO SkipSegEvaluation
  PRIVATE_EXTERNAL Log
  TEST_DEPENDS SkipSegImageIO)
