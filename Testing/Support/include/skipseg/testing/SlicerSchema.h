#pragma once
// Validating a module description (`--xml`) against 3D Slicer's own schema, ModuleDescription.xsd
// (fixture slicer/ModuleDescription.xsd), with xmllint (libxml2-utils).
#include "skipseg/testing/TestData.h"

#include <string>

namespace skipseg::testing {

struct SlicerSchemaCheck {
  bool checked = false;  ///< false: the schema fixture or xmllint is missing (`report` says which)
  bool valid = false;
  std::string report;  ///< xmllint's messages, or why nothing was checked
};

/// Runs xmllint --schema on `xml`.
SlicerSchemaCheck checkAgainstSlicerSchema(const std::string& xml);

}  // namespace skipseg::testing

// Expects `xml` to validate; skips the test (fails it under CI) when the schema or xmllint is missing.
#define SKIPSEG_EXPECT_VALID_SLICER_XML(xml)                                     \
  do {                                                                           \
    const auto slicerCheck_ = ::skipseg::testing::checkAgainstSlicerSchema(xml); \
    if (!slicerCheck_.checked) {                                                 \
      if (::skipseg::testing::runningUnderCi()) {                                \
        FAIL() << slicerCheck_.report;                                           \
      } else {                                                                   \
        GTEST_SKIP() << slicerCheck_.report;                                     \
      }                                                                          \
    }                                                                            \
    EXPECT_TRUE(slicerCheck_.valid) << slicerCheck_.report;                      \
  } while (false)
