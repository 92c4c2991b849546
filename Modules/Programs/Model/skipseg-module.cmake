skipseg_module(SkipSegProgramModel
  DESCRIPTION "skipseg-model: options and entry point (summary of any model, nnU-Net import to .ssm, export)"
  DEPENDS SkipSegCommandLine
  PRIVATE_DEPENDS SkipSegModelIO)
