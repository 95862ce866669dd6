#pragma once
// Waits for a condition another thread brings about, polling with a generous bound (never a
// fixed sleep as synchronisation).
#include <chrono>
#include <thread>

namespace ws::server::testing {

template <typename F>
bool eventually(F&& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace ws::server::testing
