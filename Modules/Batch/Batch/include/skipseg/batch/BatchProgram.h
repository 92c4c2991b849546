#pragma once
// skipseg-batch: the command line over the batch machinery. Which workers it offers is decided by
// whoever builds the program (Applications/Batch/main.cxx registers them), so this module needs no
// Torch and no ITK.
#include "skipseg/batch/CaseWorker.h"
#include "skipseg/batch/DicomExport.h"
#include "skipseg/cli/ProgramDescription.h"

#include <string>
#include <vector>

namespace skipseg::batch {

/// The options of skipseg-batch, plus each registered worker's own options.
cli::ProgramDescription batchProgramDescription(const WorkerRegistry& workers);

/// Runs skipseg-batch; returns 0 when every case is done or current, 1 when some failed, or the exit code
/// of an error that stopped the run. `--merge A.json B.json --summary ALL.json` merges shard summaries
/// instead (exit 1 when cases failed, a case is listed twice, or a shard is missing).
/// `scanner` lists the series of a PACS export (--pacs-export); without one such input is refused.
int batchMain(const std::vector<std::string>& arguments, const WorkerRegistry& workers,
              const DicomExportScanner& scanner = {});

}  // namespace skipseg::batch
