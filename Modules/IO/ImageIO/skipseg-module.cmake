skipseg_module(SkipSegImageIO
  DESCRIPTION "Geometry-exact reading and writing of NIfTI NRRD MetaImage and DICOM series with orientation codes and reorientation"
  DEPENDS SkipSegCommon SkipSegItkBridge
  EXTERNAL ITK
  PRIVATE_EXTERNAL ZLIB)  # the decompressed size of a .nii.gz (CompletenessCheck.cxx)
