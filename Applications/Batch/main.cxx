#include "skipseg/batch/BatchProgram.h"
#include "skipseg/batch/ChecksumWorker.h"

// The workers skipseg-batch offers. test-checksum is a test worker (checksums, no model) that the Slurm
// and kill tests use; the segmentation worker ("segment", the default --worker) is added here once the
// segmentation program provides it.
int main(int argc, char** argv) {
  skipseg::batch::WorkerRegistry workers;
  workers.add(skipseg::batch::checksumWorkerType());
  return skipseg::batch::batchMain({argv + 1, argv + argc}, workers);
}
