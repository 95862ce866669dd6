#pragma once
// SIGTERM and SIGINT (`systemctl stop`, a shutdown, Ctrl-C) end the kiosk window the way its
// close button does: the loop sees the request, the session signs out (unsaved answers kept as
// a draft), the store closes, exit 0. Only the window installs this: the CLI commands keep the
// default action, which the store's design makes crash-safe (a `kiosk sync` killed mid-push
// resends its batch).
#include <atomic>
#include <functional>
#include <memory>
#include <thread>

#include "ws/result.hpp"

namespace ws::kiosk::ui {

class StopSignals {
 public:
  // `wake` runs on the watcher thread once a signal has arrived (it must be thread-safe).
  // One instance at a time: the handler writes to one pipe of the process.
  static Result<std::unique_ptr<StopSignals>> install(std::function<void()> wake);
  // Gives the signals their default action back, then ends the watcher.
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  bool requested() const { return requested_.load(); }

 private:
  StopSignals(int read_fd, int write_fd, std::function<void()> wake);
  void watch();

  int read_fd_, write_fd_;
  std::function<void()> wake_;
  std::atomic<bool> requested_{false};
  std::thread watcher_;
};

}  // namespace ws::kiosk::ui
