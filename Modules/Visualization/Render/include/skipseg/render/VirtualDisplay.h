#pragma once
// VTK 9.1 as Debian builds it renders through X, even off screen. Where no display exists (servers,
// CI without xvfb-run) SkipSeg starts its own Xvfb for the time of a render and stops it afterwards.
#include <sys/types.h>

#include <string>

namespace skipseg::render {

class VirtualDisplay {
 public:
  /// Uses $DISPLAY when set; otherwise starts Xvfb, which picks a free display number itself
  /// (-displayfd, so parallel runs never collide), and points DISPLAY at it. Throws Unsupported
  /// ("3D rendering needs an X display ...") when Xvfb cannot be started.
  VirtualDisplay();
  /// Stops the Xvfb it started (SIGTERM, then waits for it) and unsets DISPLAY again.
  ~VirtualDisplay();
  VirtualDisplay(const VirtualDisplay&) = delete;
  VirtualDisplay& operator=(const VirtualDisplay&) = delete;

  /// True when this object started an Xvfb.
  bool startedServer() const { return serverProcess_ > 0; }
  const std::string& display() const { return display_; }

 private:
  pid_t serverProcess_ = -1;
  std::string display_;
};

}  // namespace skipseg::render
