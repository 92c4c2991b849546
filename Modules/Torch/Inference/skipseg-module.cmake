skipseg_module(SkipSegInference
  DESCRIPTION "Sliding-window inference with Gaussian blending, test-time mirroring, slice-by-slice 2D models and ensembles on CPU or CUDA behind a Torch-free Predictor"
  DEPENDS SkipSegTensorBridge SkipSegModelIO SkipSegModelDescription SkipSegCommon
  EXTERNAL Torch)
