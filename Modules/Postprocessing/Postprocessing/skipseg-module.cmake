skipseg_module(SkipSegPostprocessing
  DESCRIPTION "Label map clean-up after segmentation: largest connected component, removal of small components by volume in mm3 and hole filling"
  DEPENDS SkipSegCommon SkipSegItkBridge
  EXTERNAL ITK)
