skipseg_module(SkipSegProgramTrain
  DESCRIPTION "skipseg-train: options and entry point (preprocessing cache, training, sliding-window validation, model file and curves)"
  DEPENDS SkipSegCommandLine
  PRIVATE_DEPENDS SkipSegPlanning SkipSegPreprocessing SkipSegImageIO SkipSegTraining SkipSegInference SkipSegModelIO
    SkipSegDistributed
  TEST_DEPENDS SkipSegPlanning SkipSegModelIO SkipSegTraining SkipSegSegmentation  # training/inference parity
  PRIVATE_EXTERNAL Torch Log
  OPTIONAL_DEPENDS SkipSegRender)  # training curve pictures (TrainingCurves.cxx); none in a build without VTK
