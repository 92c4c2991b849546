#include "skipseg/core/Error.h"

#include <gtest/gtest.h>

namespace {

TEST(Error, BadInputNamesTheFileAndTheProblemOnOneLine) {
  const auto error = skipseg::badInput("/data/scan.nii.gz", "truncated file\nexpected 1000 bytes");
  EXPECT_STREQ(error.what(), "/data/scan.nii.gz: truncated file; expected 1000 bytes");
  EXPECT_EQ(error.code(), skipseg::ExitCode::BadInput);
  EXPECT_EQ(static_cast<int>(error.code()), 3);
}

TEST(Error, ExitCodesAreTheDocumentedNumbers) {
  EXPECT_EQ(static_cast<int>(skipseg::ExitCode::Ok), 0);
  EXPECT_EQ(static_cast<int>(skipseg::ExitCode::Failure), 1);
  EXPECT_EQ(static_cast<int>(skipseg::ExitCode::Usage), 2);
  EXPECT_EQ(static_cast<int>(skipseg::ExitCode::Internal), 4);
  EXPECT_EQ(static_cast<int>(skipseg::ExitCode::Unsupported), 5);
  EXPECT_EQ(static_cast<int>(skipseg::ExitCode::OutputFailed), 6);
}

TEST(Error, OneLineDropsTrailingSeparators) {
  EXPECT_EQ(skipseg::oneLine("a\n\nb\n"), "a; b");
}

}  // namespace
