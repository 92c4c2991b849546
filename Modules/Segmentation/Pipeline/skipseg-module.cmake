skipseg_module(SkipSegSegmentation
  DESCRIPTION "The segmentation pipeline of one case: read, prepare with the model-grid preprocessor (reorient, crop, normalise, resample), predict, map back to the native grid in bounded memory, clean up, write labels, probabilities, sidecar and pictures"
  DEPENDS SkipSegCommon SkipSegModelDescription SkipSegImageIO SkipSegInference
  PRIVATE_DEPENDS SkipSegPreprocessing SkipSegPostprocessing
  OPTIONAL_DEPENDS SkipSegRender  # pictures and meshes (--render); refused in a build without VTK
  EXTERNAL ITK)
