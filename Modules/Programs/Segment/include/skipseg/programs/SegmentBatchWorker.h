#pragma once
// skipseg-batch's "segment" worker: the segmentation pipeline of skipseg-segment, with the model
// loaded once per job and the next scan read while the current one is segmented.
#include "skipseg/batch/CaseWorker.h"

namespace skipseg::programs {

/// The worker type, with the segmentation options that skipseg-batch offers (--device, --overlap, ...).
batch::WorkerType segmentWorkerType();

}  // namespace skipseg::programs
