skipseg_module(SkipSegEvaluation
  DESCRIPTION "Segmentation metrics in physical units (overlap, volumes, Hausdorff, surface distances, surface Dice) against a reference, label statistics without one, label tables and the JSON and CSV reports"
  DEPENDS SkipSegCommon SkipSegModelDescription SkipSegItkBridge
  PRIVATE_DEPENDS SkipSegImageIO  # the image file names beside which label tables lie (ImageFormats.h)
  EXTERNAL ITK)
