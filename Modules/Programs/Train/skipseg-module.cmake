skipseg_module(SkipSegProgramTrain
  DESCRIPTION "skipseg-train: options and entry point (preprocessing cache, training, sliding-window validation, model file and curves)"
  DEPENDS SkipSegCommandLine
  PRIVATE_DEPENDS SkipSegPlanning SkipSegPreprocessing SkipSegImageIO SkipSegTraining SkipSegInference SkipSegModelIO SkipSegRender
  TEST_DEPENDS SkipSegPlanning SkipSegModelIO SkipSegTraining SkipSegSegmentation SkipSegRender  # parity; curves
  PRIVATE_EXTERNAL Torch Log)
