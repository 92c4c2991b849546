skipseg_module(SkipSegCommandLine
  DESCRIPTION "Options described once: parsing, --help and 3D Slicer's --xml module description from one table, and the wrapper that maps errors to exit codes"
  DEPENDS SkipSegCommon
  PRIVATE_EXTERNAL ProgramOptions)
