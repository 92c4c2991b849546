skipseg_module(SkipSegPreprocessing
  DESCRIPTION "The one model-grid preprocessor of training and inference (reorient, crop to non-zero, normalise, resample, in nnU-Net's order), its steps (resampling to a model's spacing or onto any grid, intensity normalisation, PET SUV, cropping to the body) and the memory-bounded mapping of class scores back to the scan's grid"
  DEPENDS SkipSegCommon SkipSegModelDescription SkipSegItkBridge
  PRIVATE_DEPENDS SkipSegImageIO  # reorientation (ModelGridPreprocessor.cxx)
  EXTERNAL ITK)
