#pragma once
// A private X server for headless runs (screenshots, tests): Xvfb picks a free display number
// itself and tells us through a pipe (-displayfd), so parallel runs never collide. The server
// is killed and reaped when this object goes away, on every exit path.
#include <string>
#include <sys/types.h>

#include "ws/result.hpp"

namespace ws::kiosk::ui {

class VirtualDisplay {
 public:
  static Result<VirtualDisplay> start(int width, int height);
  VirtualDisplay(VirtualDisplay&& other) noexcept;
  VirtualDisplay& operator=(VirtualDisplay&&) = delete;
  VirtualDisplay(const VirtualDisplay&) = delete;
  VirtualDisplay& operator=(const VirtualDisplay&) = delete;
  ~VirtualDisplay();

  const std::string& name() const { return name_; }  // ":N", also exported as DISPLAY

 private:
  VirtualDisplay(pid_t pid, std::string name) : pid_(pid), name_(std::move(name)) {}
  pid_t pid_ = -1;
  std::string name_;
};

// True when an Xvfb binary is on PATH.
bool xvfb_available();

}  // namespace ws::kiosk::ui
