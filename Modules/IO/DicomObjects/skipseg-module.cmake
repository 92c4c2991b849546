skipseg_module(SkipSegDicomObjects
  DESCRIPTION "DICOM Segmentation (SEG) and RT Structure Set (RTSTRUCT) objects of a label map that reference the DICOM series it lies on (through DCMTK)"
  DEPENDS SkipSegCommon SkipSegModelDescription SkipSegItkBridge SkipSegImageIO
  PRIVATE_EXTERNAL DCMTK Log)
