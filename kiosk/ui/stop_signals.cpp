#include "kiosk/ui/stop_signals.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

namespace ws::kiosk::ui {
namespace {

// The handler may only do async-signal-safe things: it writes one byte to this pipe, and the
// watcher thread does the rest (glfw calls are not signal-safe; glfwPostEmptyEvent is
// thread-safe). -1 while no StopSignals is installed.
volatile std::sig_atomic_t g_write_fd = -1;

constexpr unsigned char kFinish = 0;  // from the destructor: the watcher ends

void on_stop_signal(int sig) {
  const int saved = errno;
  const unsigned char byte = static_cast<unsigned char>(sig);
  const int fd = g_write_fd;
  if (fd >= 0) {
    [[maybe_unused]] const ssize_t n = write(fd, &byte, 1);  // a full pipe has asked already
  }
  errno = saved;
}

void set_action(void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  // SA_RESTART: the sync engine's and SQLite's reads and writes go on; SA_RESETHAND: a second
  // signal kills at once, as before, should the orderly exit hang.
  action.sa_flags = handler == SIG_DFL ? 0 : SA_RESTART | SA_RESETHAND;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

}  // namespace

Result<std::unique_ptr<StopSignals>> StopSignals::install(std::function<void()> wake) {
  int fds[2];
  // Close-on-exec: a narration player the kiosk starts must not hold the pipe.
  if (pipe2(fds, O_CLOEXEC) != 0 || fcntl(fds[1], F_SETFL, O_NONBLOCK) != 0)
    return fail("io", std::string("cannot create the stop-signal pipe: ") + std::strerror(errno));
  std::unique_ptr<StopSignals> stop(new StopSignals(fds[0], fds[1], std::move(wake)));
  g_write_fd = fds[1];
  set_action(on_stop_signal);
  return stop;
}

StopSignals::StopSignals(int read_fd, int write_fd, std::function<void()> wake)
    : read_fd_(read_fd), write_fd_(write_fd), wake_(std::move(wake)), watcher_([this] { watch(); }) {}

StopSignals::~StopSignals() {
  set_action(SIG_DFL);
  g_write_fd = -1;
  const unsigned char finish = kFinish;
  while (write(write_fd_, &finish, 1) < 0 && errno == EINTR) {
  }
  watcher_.join();
  close(read_fd_);
  close(write_fd_);
}

void StopSignals::watch() {
  for (;;) {
    unsigned char byte = kFinish;
    const ssize_t n = read(read_fd_, &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || byte == kFinish) return;
    if (!requested_.exchange(true))
      std::fprintf(stderr, "kiosk: %s, closing the window\n", byte == SIGTERM ? "SIGTERM" : "SIGINT");
    wake_();
  }
}

}  // namespace ws::kiosk::ui
