skipseg_module(SkipSegModelDescription
  DESCRIPTION "What a model expects and produces (spacing, orientation, axis order, normalization, patch, labels), read from and written to JSON, shared by the ITK and the Torch sides"
  DEPENDS SkipSegCommon)
