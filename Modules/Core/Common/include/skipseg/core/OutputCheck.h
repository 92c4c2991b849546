#pragma once
// Checks of output paths before any work starts: a wrong output must fail in milliseconds, not after
// minutes of reading and inference. Each throws OutputFailed naming the path and giving the OS reason.
#include <string>

namespace skipseg {

/// `path` can be created as a file: it is not a folder, no file stands where a folder of it must be,
/// and the nearest existing folder takes a new file (tried by creating and removing a temporary one).
void checkOutputFile(const std::string& path);

/// After a library failed to write `path` (ITK, VTK: they rarely say why): the operating system's reason,
/// found by trying again (e.g. "cannot write in /data: Permission denied", "No space left on device"), or
/// "" when the OS sees no problem.
std::string writeFailureReason(const std::string& path);

/// `path` can be used as an output folder: it is a folder or can be created, and takes new files.
void checkOutputFolder(const std::string& path);

}  // namespace skipseg
