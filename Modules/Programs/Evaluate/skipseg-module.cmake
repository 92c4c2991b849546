skipseg_module(SkipSegProgramEvaluate
  DESCRIPTION "skipseg-evaluate: options and entry point (metrics against a reference for one case or two folders, label statistics without one)"
  DEPENDS SkipSegCommandLine
  PRIVATE_DEPENDS SkipSegEvaluation SkipSegImageIO
  TEST_DEPENDS SkipSegEvaluation SkipSegImageIO)
