#pragma once

namespace skipseg::testing {

/// A TCP port on 127.0.0.1 that was free a moment ago (the kernel's pick), for tests that start servers
/// such as a distributed job's rendezvous store.
int freeTcpPort();

}  // namespace skipseg::testing
