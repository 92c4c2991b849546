#pragma once
// Wall-clock times for records (sidecars, summaries): UTC, ISO 8601, so they sort as text and mean
// the same on every machine.
#include <string>

namespace skipseg {

/// Now as "2026-01-31T12:34:56.123456Z" (microseconds, UTC).
std::string utcNow();

}  // namespace skipseg
