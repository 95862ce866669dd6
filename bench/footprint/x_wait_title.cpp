// x_wait_title PREFIX [TIMEOUT_S]: prints "watching" once it follows $DISPLAY's windows, waits
// until a top-level window is named PREFIX... (WM_NAME or _NET_WM_NAME), then prints the wall
// clock (CLOCK_REALTIME, in microseconds, the clock of bash's $EPOCHREALTIME) and exits 0.
// Exits 1 when TIMEOUT_S (default 60) pass first, 2 on bad arguments or no display.
//
// The footprint bench times Chromium's first painted frame by its title, which the page changes
// in the frame after its first paint. Asking the X server for the title every few
// milliseconds (xdotool in a loop, as the bench did until session 33) starts a process each
// time and took about half a core of a two-core machine from the browser it was timing: this
// waits for the X server's events instead and uses no CPU until the title changes.
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <poll.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

struct Names {
  Atom net_wm_name;
  Atom utf8_string;
};

std::string window_name(Display* display, Window window, const Names& names) {
  Atom type = None;
  int format = 0;
  unsigned long count = 0, after = 0;
  unsigned char* data = nullptr;
  std::string name;
  if (XGetWindowProperty(display, window, names.net_wm_name, 0, 1024, False, names.utf8_string, &type, &format,
                         &count, &after, &data) == Success &&
      data) {
    name.assign(reinterpret_cast<const char*>(data), count);
    XFree(data);
  }
  if (name.empty()) {
    char* legacy = nullptr;
    if (XFetchName(display, window, &legacy) && legacy) {
      name = legacy;
      XFree(legacy);
    }
  }
  return name;
}

// Windows may vanish between an event and the question about them: not an error here.
int ignore_x_errors(Display*, XErrorEvent*) { return 0; }

// Watches `window`'s properties from now on; true when it already has the name.
bool watch(Display* display, Window window, const Names& names, const std::string& prefix) {
  XSelectInput(display, window, PropertyChangeMask);
  return window_name(display, window, names).rfind(prefix, 0) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: x_wait_title PREFIX [TIMEOUT_S]\n");
    return 2;
  }
  const std::string prefix = argv[1];
  const int timeout_s = argc == 3 ? std::atoi(argv[2]) : 60;
  if (timeout_s <= 0) {
    std::fprintf(stderr, "x_wait_title: TIMEOUT_S must be a positive number of seconds\n");
    return 2;
  }
  Display* display = XOpenDisplay(nullptr);
  if (!display) {
    std::fprintf(stderr, "x_wait_title: cannot open the display (is DISPLAY set?)\n");
    return 2;
  }
  XSetErrorHandler(ignore_x_errors);
  const Names names{XInternAtom(display, "_NET_WM_NAME", False), XInternAtom(display, "UTF8_STRING", False)};
  const Window root = DefaultRootWindow(display);
  // New top-level windows first, then the ones already there: none is missed in between.
  XSelectInput(display, root, SubstructureNotifyMask);
  bool found = false;
  Window unused_root = 0, unused_parent = 0, *children = nullptr;
  unsigned count = 0;
  if (XQueryTree(display, root, &unused_root, &unused_parent, &children, &count)) {
    for (unsigned i = 0; i < count && !found; ++i) found = watch(display, children[i], names, prefix);
    if (children) XFree(children);
  }
  std::printf("watching\n");
  std::fflush(stdout);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (!found) {
    if (XPending(display) == 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return 1;
      pollfd connection{ConnectionNumber(display), POLLIN, 0};
      poll(&connection, 1, static_cast<int>(left.count()));
      continue;
    }
    XEvent event;
    XNextEvent(display, &event);
    if (event.type == CreateNotify) {
      found = watch(display, event.xcreatewindow.window, names, prefix);
    } else if (event.type == PropertyNotify &&
               (event.xproperty.atom == XA_WM_NAME || event.xproperty.atom == names.net_wm_name)) {
      found = window_name(display, event.xproperty.window, names).rfind(prefix, 0) == 0;
    }
  }
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  std::printf("%lld\n", static_cast<long long>(std::chrono::duration_cast<std::chrono::microseconds>(now).count()));
  XCloseDisplay(display);
  return 0;
}
