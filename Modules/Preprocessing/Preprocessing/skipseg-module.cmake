skipseg_module(SkipSegPreprocessing
  DESCRIPTION "Resampling to a model's spacing or onto any grid, intensity normalisation, PET SUV, cropping to the body and the memory-bounded mapping of class scores back to the scan's grid"
  DEPENDS SkipSegCommon SkipSegModelDescription SkipSegItkBridge
  EXTERNAL ITK)
