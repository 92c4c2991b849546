#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/Interrupt.h"
#include "skipseg/core/OutputTransaction.h"
#include "skipseg/testing/TemporaryDirectory.h"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <functional>

namespace {

// Forgets the recorded signal when a test ends, pass or fail.
struct PendingSignal {
  explicit PendingSignal(int signal) { skipseg::raiseInterruptForTesting(signal); }
  ~PendingSignal() { skipseg::clearInterruptForTesting(); }
};

skipseg::ExitCode codeOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const skipseg::Error& error) {
    EXPECT_EQ(std::string(error.what()).find('\n'), std::string::npos);
    return error.code();
  }
  return skipseg::ExitCode::Ok;
}

TEST(Interrupt, NoSignalNoThrow) {
  EXPECT_EQ(skipseg::pendingInterrupt(), 0);
  EXPECT_EQ(codeOf([] { skipseg::throwIfInterrupted(); }), skipseg::ExitCode::Ok);
}

TEST(Interrupt, SigintIs130AndSigtermIs143) {
  {
    PendingSignal signal(SIGINT);
    EXPECT_EQ(codeOf([] { skipseg::throwIfInterrupted(); }), skipseg::ExitCode::Interrupted);
  }
  {
    PendingSignal signal(SIGTERM);
    EXPECT_EQ(codeOf([] { skipseg::throwIfInterrupted(); }), skipseg::ExitCode::Terminated);
  }
  EXPECT_EQ(static_cast<int>(skipseg::ExitCode::Interrupted), 130);
  EXPECT_EQ(static_cast<int>(skipseg::ExitCode::Terminated), 143);
}

// The real handler records the signal instead of ending the process.
TEST(Interrupt, TheHandlerOnlyRecordsTheSignal) {
  skipseg::installInterruptHandlers();
  std::raise(SIGTERM);
  EXPECT_EQ(skipseg::pendingInterrupt(), SIGTERM);
  skipseg::clearInterruptForTesting();
}

TEST(Interrupt, ProgressUpdatesAreSafePoints) {
  auto progress = skipseg::interruptible(skipseg::makeProgressReporter(skipseg::ProgressStyle::Silent));
  progress->start("network");
  progress->update(0.5);
  PendingSignal signal(SIGINT);
  EXPECT_EQ(codeOf([&] { progress->update(0.6); }), skipseg::ExitCode::Interrupted);
}

// A signal during the write: the finished temporary is not moved into place, and nothing is left.
TEST(Interrupt, NoOutputIsCommittedAfterASignal) {
  skipseg::testing::TemporaryDirectory folder;
  EXPECT_EQ(codeOf([&] {
              skipseg::AtomicOutput output(folder.file("probs.nrrd"));
              std::ofstream(output.temporaryPath()) << "all voxels";
              skipseg::raiseInterruptForTesting(SIGTERM);
              output.commit();
            }),
            skipseg::ExitCode::Terminated);
  skipseg::clearInterruptForTesting();
  EXPECT_EQ(folder.listing(), "");
}

// Labels committed, then the signal: the transaction of the case takes the labels back.
TEST(Interrupt, ASignalBeforeTheTransactionCommitsRollsTheCaseBack) {
  skipseg::testing::TemporaryDirectory folder;
  EXPECT_EQ(codeOf([&] {
              skipseg::OutputTransaction transaction;
              skipseg::writeFileAtomically(folder.file("labels.nii.gz"), "labels");
              skipseg::raiseInterruptForTesting(SIGINT);
              transaction.commit();
            }),
            skipseg::ExitCode::Interrupted);
  skipseg::clearInterruptForTesting();
  EXPECT_EQ(folder.listing(), "");
}

}  // namespace
