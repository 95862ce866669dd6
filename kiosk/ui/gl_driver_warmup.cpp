#include "kiosk/ui/gl_driver_warmup.hpp"

#include <cstring>

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <dlfcn.h>
#include <link.h>

#include "kiosk/ui/extension_list.hpp"

namespace ws::kiosk::ui {

// What the thread opened, kept until finish(): closing it before GLFW has loaded the driver
// itself would unload the driver again.
struct GlDriverWarmup::Loaded {
  void* egl_library = nullptr;
  PFNEGLTERMINATEPROC terminate = nullptr;
  EGLDisplay display = EGL_NO_DISPLAY;
};

namespace {

bool client_has_surfaceless(PFNEGLQUERYSTRINGPROC query) {
  const char* extensions = query(EGL_NO_DISPLAY, EGL_EXTENSIONS);
  return extensions && has_extension(extensions, "EGL_MESA_platform_surfaceless");
}

// libEGL is opened, not linked: the kiosk runs without it (the window then uses GLX).
std::unique_ptr<GlDriverWarmup::Loaded> warm() {
  void* library = dlopen("libEGL.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!library) return nullptr;
  auto query = reinterpret_cast<PFNEGLQUERYSTRINGPROC>(dlsym(library, "eglQueryString"));
  auto get_proc = reinterpret_cast<PFNEGLGETPROCADDRESSPROC>(dlsym(library, "eglGetProcAddress"));
  auto initialize = reinterpret_cast<PFNEGLINITIALIZEPROC>(dlsym(library, "eglInitialize"));
  auto terminate = reinterpret_cast<PFNEGLTERMINATEPROC>(dlsym(library, "eglTerminate"));
  if (!query || !get_proc || !initialize || !terminate || !client_has_surfaceless(query)) {
    dlclose(library);
    return nullptr;
  }
  auto get_display = reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(get_proc("eglGetPlatformDisplayEXT"));
  EGLDisplay display = get_display ? get_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr)
                                   : EGL_NO_DISPLAY;
  EGLint major = 0, minor = 0;
  if (display == EGL_NO_DISPLAY || !initialize(display, &major, &minor)) {
    dlclose(library);
    return nullptr;
  }
  return std::make_unique<GlDriverWarmup::Loaded>(GlDriverWarmup::Loaded{library, terminate, display});
}

}  // namespace

GlDriverWarmup::GlDriverWarmup(StartupTrace* trace)
    : thread_([this, trace] {
        const StartupTrace::Mark began = StartupTrace::mark();
        loaded_ = warm();
        if (trace) trace->phase("gl-driver-warmup", began, true);
      }) {}

GlDriverWarmup::~GlDriverWarmup() { finish(); }

void GlDriverWarmup::finish() {
  if (thread_.joinable()) thread_.join();
  if (!loaded_) return;
  // Without a window (no display) this unloads the driver again.
  keep_gl_driver_mapped_for_leak_checks();
  loaded_->terminate(loaded_->display);
  dlclose(loaded_->egl_library);
  loaded_.reset();
}

void keep_gl_driver_mapped_for_leak_checks() {
#if defined(__SANITIZE_ADDRESS__)
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void*) -> int {
        const char* name = info->dlpi_name;
        if (name && (std::strstr(name, "_dri.so") || std::strstr(name, "libgallium") ||
                     std::strstr(name, "libEGL_mesa"))) {
          dlopen(name, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
        }
        return 0;
      },
      nullptr);
#endif
}

}  // namespace ws::kiosk::ui
