skipseg_module(SkipSegStudy
  DESCRIPTION "Explanatory experiments on skip connections: filter-normalised loss planes (Li et al. 2018), block lesions (Veit et al. 2016), gradient autocorrelation along a line (Balduzzi et al. 2017)"
  DEPENDS SkipSegCommon SkipSegNetworks
  EXTERNAL Torch Json)
