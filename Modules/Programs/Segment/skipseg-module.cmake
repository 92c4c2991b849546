skipseg_module(SkipSegProgramSegment
  DESCRIPTION "skipseg-segment: options and entry point (a scan and a model in, labels in the scan's geometry out), and the segment worker of skipseg-batch"
  DEPENDS SkipSegCommandLine SkipSegBatch
  OPTIONAL_DEPENDS SkipSegDicomObjects  # DICOM SEG and RTSTRUCT; refused in a build without DCMTK
  PRIVATE_DEPENDS SkipSegSegmentation SkipSegImageIO
  TEST_DEPENDS SkipSegImageIO SkipSegSegmentation)
