#pragma once
// "test-checksum": a small but real batch worker, for tests and the Slurm check until skipseg-segment's
// worker is registered. It reads every file of a case (an empty file counts as corrupt), and writes
// <case id>.sha256: the model's fingerprint, then "<sha256>  <file name>" per file. Its --checksum-delay
// (milliseconds, spent between writing the two halves of the output) makes runs long enough to kill.
// Not a segmentation: the name says so, and nothing but tests and scripts/checks should select it.
#include "skipseg/batch/CaseWorker.h"

namespace skipseg::batch {

WorkerType checksumWorkerType();

}  // namespace skipseg::batch
