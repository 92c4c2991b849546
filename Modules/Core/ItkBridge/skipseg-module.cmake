skipseg_module(SkipSegItkBridge
  DESCRIPTION "The ITK image types every ITK-side module shares (float intensities and unsigned short labels) and the one bridge between an ITK image's grid and ImageGeometry"
  DEPENDS SkipSegCommon
  EXTERNAL ITK)
