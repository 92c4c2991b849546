#pragma once
// Where tests find real data. Shared scans live in ../shared/data beside the checkout (or
// $SKIPSEG_SHARED_DATA); fixtures in ../shared/fixtures. Under CI (the CI variable is set) a missing
// file is a test failure, elsewhere a clean skip. Use the macros: they return from the test.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace skipseg::testing {

/// Absolute path of `relative` under the shared data folder; empty when the file is missing.
std::string sharedDataPath(const std::string& relative);
/// Absolute path of `relative` under the shared fixtures folder; empty when missing.
std::string fixturePath(const std::string& relative);
/// Absolute path of `relative` in the source tree (always exists in a checkout).
std::string sourcePath(const std::string& relative);
/// Folder holding the built programs (bin/ of the build tree).
std::string binaryDir();
/// True when running under CI, where missing shared data is an error.
bool runningUnderCi();

/// Reads a headerless little-endian float32 file (the fixtures' .bin references).
std::vector<float> readRawFloat32(const std::string& path);

}  // namespace skipseg::testing

// Resolves a shared-data file into `var`, or fails (CI) / skips (elsewhere) the current test.
#define SKIPSEG_REQUIRE_SHARED_DATA(var, relative)                      \
  const std::string var = ::skipseg::testing::sharedDataPath(relative); \
  if (var.empty()) {                                                    \
    if (::skipseg::testing::runningUnderCi()) {                         \
      FAIL() << "shared data missing under CI: " << (relative);         \
    } else {                                                            \
      GTEST_SKIP() << "shared data not present: " << (relative);        \
    }                                                                   \
  }

#define SKIPSEG_REQUIRE_FIXTURE(var, relative)                       \
  const std::string var = ::skipseg::testing::fixturePath(relative); \
  if (var.empty()) {                                                 \
    if (::skipseg::testing::runningUnderCi()) {                      \
      FAIL() << "fixture missing under CI: " << (relative);          \
    } else {                                                         \
      GTEST_SKIP() << "fixture not present: " << (relative);         \
    }                                                                \
  }
