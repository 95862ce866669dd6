#pragma once
// Loads the GL driver on a thread of its own while the window is being made.
//
// On a machine without a GPU (llvmpipe) loading Mesa's driver is the largest single cost of a
// start: ~100 ms of CPU, most of it the dynamic linker relocating LLVM, and GLFW pays it on the
// main thread inside glfwCreateWindow, with nothing else able to run there. The warm-up
// initialises a display of EGL's surfaceless platform (no window system needed), which loads
// the same driver file, so GLFW's own load finds it mapped and relocated. The warm display is
// released once the window has its context; the driver stays loaded for the window.
//
// A warm-up never fails a start: without libEGL, EGL's surfaceless platform or a driver, it
// does nothing and says nothing, and the window is made as it always was.
#include <memory>
#include <thread>

#include "kiosk/ui/startup_trace.hpp"

namespace ws::kiosk::ui {

class GlDriverWarmup {
 public:
  struct Loaded;  // what the thread opened (gl_driver_warmup.cpp)
  // Starts the warm-up thread; `trace` (may be null) gets a "gl-driver-warmup" phase.
  explicit GlDriverWarmup(StartupTrace* trace);
  // Waits for the thread and releases the warm display (the driver stays while a context of
  // the window's holds it).
  ~GlDriverWarmup();
  GlDriverWarmup(const GlDriverWarmup&) = delete;
  GlDriverWarmup& operator=(const GlDriverWarmup&) = delete;

  // The same as the destructor, sooner: call once the window's context exists.
  void finish();

 private:
  std::unique_ptr<Loaded> loaded_;  // written by the thread, read after join: declared first
  std::thread thread_;
};

// LeakSanitizer looks for leaks at exit, after glfwTerminate (or the warm-up's release) has
// unloaded Mesa's driver (and, for EGL, Mesa's EGL library). Memory the driver keeps in its
// globals then has no owner LSan can see and is reported as a leak from "<unknown module>".
// Sanitizer builds keep the driver mapped, so those references stay visible and real leaks
// stay reported; release builds unload it as usual. Call before anything that may unload it.
void keep_gl_driver_mapped_for_leak_checks();

}  // namespace ws::kiosk::ui
