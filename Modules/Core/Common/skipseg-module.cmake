skipseg_module(SkipSegCommon
  DESCRIPTION "Errors with exit codes, logging, JSON files, atomic output and all-or-nothing groups of outputs, output checks, SIGINT/SIGTERM safe points, progress, timings and the plain voxel buffer that crosses from ITK code to Torch code"
  EXTERNAL Json Log)
