skipseg_module(SkipSegPlanning
  DESCRIPTION "Dataset layouts and checks, the dataset fingerprint and the rules that derive training plans from it (target spacing, patch size, topology, batch size, normalisation, folds)"
  DEPENDS SkipSegCommon SkipSegModelDescription
  EXTERNAL Json
  PRIVATE_DEPENDS SkipSegImageIO)
