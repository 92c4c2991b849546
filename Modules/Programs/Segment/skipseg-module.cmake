skipseg_module(SkipSegProgramSegment
  DESCRIPTION "skipseg-segment: options and entry point (a scan and a model in, labels in the scan's geometry out), and the segment worker of skipseg-batch"
  DEPENDS SkipSegCommandLine SkipSegBatch
  PRIVATE_DEPENDS SkipSegSegmentation SkipSegImageIO SkipSegDicomObjects
  TEST_DEPENDS SkipSegImageIO SkipSegSegmentation)
