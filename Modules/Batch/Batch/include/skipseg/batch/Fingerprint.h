#pragma once
// Fingerprints that decide whether a journal entry still describes the work a rerun would do.
#include "skipseg/batch/CaseSpec.h"
#include "skipseg/core/JsonFile.h"

#include <string>

namespace skipseg::batch {

/// How an input's fingerprint is taken.
/// Metadata (default): SHA-256 over each file's name, size and modification time (ns). Costs one stat()
/// per file, so a rerun over thousands of studies starts at once; any rewrite of a file changes its mtime.
/// It misses a file replaced by different bytes of the same size with its old mtime restored (cp -p,
/// rsync -a from another copy). Content: SHA-256 of the bytes of every file; exact, but reads every input
/// once more on every run (minutes to hours for a hospital archive).
enum class InputFingerprintMode { Metadata, Content };

/// Parses "metadata|content"; throws a usage error naming --input-fingerprint otherwise.
InputFingerprintMode parseInputFingerprintMode(const std::string& text);

/// "metadata:<sha256>" or "content:<sha256>" of the case's files (caseFiles()). File names enter
/// without their folder, so moving a dataset (mv keeps mtimes) does not redo it. Throws BadInput when the
/// input is missing or unreadable.
std::string inputFingerprint(const CaseSpec& spec, InputFingerprintMode mode);

/// "sha256:<hex>" of the model's bytes: a file, or every file below a folder (with its relative path,
/// in sorted order). "none" for an empty path. Throws BadInput when the model cannot be read.
std::string modelFingerprint(const std::string& modelPath);

/// "sha256:<hex>" of the options' canonical JSON (keys sorted, compact).
std::string optionsFingerprint(const Json& options);

}  // namespace skipseg::batch
