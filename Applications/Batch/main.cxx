#include "skipseg/batch/BatchProgram.h"
#include "skipseg/batch/ChecksumWorker.h"
#include "skipseg/programs/DicomExportScanner.h"
#include "skipseg/programs/SegmentBatchWorker.h"

// The workers skipseg-batch offers: "segment" (the default --worker) segments each scan as
// skipseg-segment does; "test-checksum" (checksums, no model) serves the Slurm and kill tests.
// The series of PACS exports (--pacs-export) are listed with GDCM through SkipSegImageIO.
int main(int argc, char** argv) {
  skipseg::batch::WorkerRegistry workers;
  workers.add(skipseg::programs::segmentWorkerType());
  workers.add(skipseg::batch::checksumWorkerType());
  return skipseg::batch::batchMain({argv + 1, argv + argc}, workers, skipseg::programs::dicomExportScanner());
}
