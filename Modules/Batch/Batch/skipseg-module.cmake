skipseg_module(SkipSegBatch
  DESCRIPTION "Whole datasets: case discovery from folders and CSV manifests, a crash-safe journal with fingerprints, prefetching job slots, shards and summary merging, behind a CaseWorker interface"
  DEPENDS SkipSegCommon SkipSegCommandLine
  PRIVATE_DEPENDS SkipSegImageIO  # which files are images: the one format registry (ImageFormats.h)
  EXTERNAL Json Log
  PRIVATE_EXTERNAL OpenSSL)  # SHA-256 (include/skipseg/batch/Sha256.h says why OpenSSL)
