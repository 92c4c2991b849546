skipseg_module(SkipSegCommon
  DESCRIPTION "Errors with exit codes, logging, JSON files, atomic output, progress, timings and the plain voxel buffer that crosses from ITK code to Torch code"
  EXTERNAL Json Log)
