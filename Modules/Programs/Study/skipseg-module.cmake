skipseg_module(SkipSegProgramStudy
  DESCRIPTION "skipseg-study: options and entry point (skip-connection ablation grids through skipseg-train, -segment and -evaluate code, explanatory experiments - loss landscape, lesion study, shattered gradients - and the worked example datasets)"
  DEPENDS SkipSegCommandLine
  PRIVATE_DEPENDS SkipSegStudy SkipSegTraining SkipSegInference SkipSegModelIO SkipSegRender SkipSegImageIO
    SkipSegPlanning SkipSegSegmentation SkipSegEvaluation SkipSegProgramPlan SkipSegProgramTrain
  TEST_DEPENDS SkipSegProgramPlan SkipSegProgramTrain SkipSegImageIO  # tiny trained models; reading slabs
  PRIVATE_EXTERNAL Torch VTK Log)
