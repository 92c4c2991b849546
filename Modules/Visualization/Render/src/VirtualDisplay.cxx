#include "skipseg/render/VirtualDisplay.h"

#include "skipseg/core/Error.h"
#include "skipseg/core/Logging.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace skipseg::render {
namespace {

constexpr int startupTimeoutMilliseconds = 15000;

// Reads the display number Xvfb writes to its -displayfd pipe ("93\n"); empty on failure or timeout.
std::string readDisplayNumber(int descriptor) {
  std::string text;
  char buffer[32];
  while (text.find('\n') == std::string::npos) {
    pollfd watch{descriptor, POLLIN, 0};
    if (poll(&watch, 1, startupTimeoutMilliseconds) <= 0) {
      return "";
    }
    const ssize_t count = read(descriptor, buffer, sizeof buffer);
    if (count <= 0) {
      return "";
    }
    text.append(buffer, static_cast<std::size_t>(count));
  }
  return text.substr(0, text.find('\n'));
}

}  // namespace

VirtualDisplay::VirtualDisplay() {
  const char* existing = std::getenv("DISPLAY");
  if (existing != nullptr && *existing != '\0') {
    display_ = existing;
    return;
  }
  int pipeEnds[2];
  if (pipe(pipeEnds) != 0) {
    throw unsupported("Xvfb", "3D rendering needs an X display: DISPLAY is unset and no pipe for Xvfb could be made");
  }
  fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC);
  const pid_t child = fork();
  if (child == 0) {
    close(pipeEnds[0]);
    const int quiet = open("/dev/null", O_WRONLY);
    if (quiet >= 0) {
      dup2(quiet, STDOUT_FILENO);
      dup2(quiet, STDERR_FILENO);
    }
    const std::string descriptor = std::to_string(pipeEnds[1]);
    execlp("Xvfb", "Xvfb", "-displayfd", descriptor.c_str(), "-screen", "0", "1280x1024x24", "-nolisten", "tcp",
           static_cast<char*>(nullptr));
    _exit(127);
  }
  close(pipeEnds[1]);
  if (child < 0) {
    close(pipeEnds[0]);
    throw unsupported("Xvfb", "3D rendering needs an X display: DISPLAY is unset and Xvfb could not be started");
  }
  const std::string number = readDisplayNumber(pipeEnds[0]);
  close(pipeEnds[0]);
  if (number.empty()) {
    kill(child, SIGTERM);
    waitpid(child, nullptr, 0);
    throw unsupported("Xvfb",
                      "3D rendering needs an X display: DISPLAY is unset and Xvfb did not start (install it with "
                      "Pipelines/install-dependencies.sh, or run under xvfb-run)");
  }
  serverProcess_ = child;
  display_ = ":" + number;
  setenv("DISPLAY", display_.c_str(), 1);
  spdlog::debug("started Xvfb (process {}) on display {}", serverProcess_, display_);
}

VirtualDisplay::~VirtualDisplay() {
  if (serverProcess_ <= 0) {
    return;
  }
  unsetenv("DISPLAY");
  kill(serverProcess_, SIGTERM);
  waitpid(serverProcess_, nullptr, 0);
  spdlog::debug("stopped Xvfb on display {}", display_);
}

}  // namespace skipseg::render
