#pragma once
// SIGINT and SIGTERM stop a program at its next safe point instead of wherever it happens to be.
// The handler only records the signal (async-signal-safe); the work calls throwIfInterrupted() where
// stopping is harmless (between stages, at progress updates, before an output is moved into place),
// and the unwinding removes temporaries and rolls back the unfinished outputs (OutputTransaction).
// A second signal while the first is pending ends the process at once, as if no handler existed.
#include "skipseg/core/Progress.h"

#include <memory>

namespace skipseg {

/// Installs the SIGINT/SIGTERM handlers (runProgram does, for every program).
void installInterruptHandlers();

/// For programs that write no files (skipseg-info): SIGINT/SIGTERM end the process at once, as without
/// handlers; there is nothing to roll back, and nothing to wait for.
void stopAtOnceOnInterrupt();

/// The signal received since the handlers were installed, or 0.
int pendingInterrupt() noexcept;

/// Throws Error(Interrupted) after SIGINT, Error(Terminated) after SIGTERM; does nothing otherwise.
void throwIfInterrupted();

/// Records `signal` as if it had been received (tests, and threads that noticed it on behalf of others).
void raiseInterruptForTesting(int signal) noexcept;
/// Forgets a pending signal (tests only).
void clearInterruptForTesting() noexcept;

/// Wraps a reporter so that every start/update/finish is a safe point (throwIfInterrupted). Only for
/// reporters called on the thread that runs the work: the exception unwinds that thread.
std::unique_ptr<ProgressReporter> interruptible(std::unique_ptr<ProgressReporter> inner);

}  // namespace skipseg
