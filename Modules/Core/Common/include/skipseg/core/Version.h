#pragma once
#include <string>

namespace skipseg {

/// SkipSeg's version, e.g. "0.1.0" (from the top-level project()).
std::string version();

}  // namespace skipseg
