#pragma once
// skipseg-batch's "segment" worker: the segmentation pipeline of skipseg-segment, with the model
// loaded once per job and the next scan read while the current one is segmented.
#include "skipseg/batch/CaseWorker.h"

namespace skipseg::programs {

/// The worker type, with the segmentation options that skipseg-batch offers (--device, --overlap, ...).
/// Its modelInputs: the model's channels, and "CT" when the model normalises every channel as CT
/// (Hounsfield units), so that a PACS export's other series are left out.
batch::WorkerType segmentWorkerType();

}  // namespace skipseg::programs
