#pragma once
// The description inside a model file, read without LibTorch, so that programs on the ITK side
// (skipseg-evaluate, skipseg-render) can name labels from a model. SkipSeg's .ssm and TorchScript
// .pt files are zip archives written by PyTorch's stream writer: records stored (not compressed)
// under one top folder. Only the JSON records are read here: the .ssm manifest "skipseg-model.json"
// and a TorchScript model's "extra/skipseg.json" (Documentation/ModelFormat.md).
#include "skipseg/core/JsonFile.h"

#include <optional>
#include <string>

namespace skipseg {

/// True when `path` is a file that starts like a zip archive ("PK").
bool looksLikeZipArchive(const std::string& path);

/// The bytes of `record` ("skipseg-model.json", "extra/skipseg.json"), whatever the archive's top folder,
/// or nothing when the archive has no such record. Throws BadInput naming `path` for a file that is not
/// a readable zip archive, Unsupported for a compressed record.
std::optional<std::string> readArchiveRecord(const std::string& path, const std::string& record);

/// The model description (skipseg.json keys) of a SkipSeg model file or of a TorchScript model saved with
/// skipseg.json. Throws BadInput naming `path` when the archive holds neither.
Json modelDescriptionInArchive(const std::string& path);

}  // namespace skipseg
