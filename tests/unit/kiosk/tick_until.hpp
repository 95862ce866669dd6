#pragma once
// For tests with a real sync engine behind a workspace: tick until `done` holds, asking for a
// sync now and then (the engine's own timer is a minute); bounded, so a regression fails
// instead of hanging.
#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>

#include "kiosk/core/vm/store_data.hpp"
#include "kiosk/core/vm/workspace.hpp"

namespace ws::kiosk::test {

inline bool tick_until(vm::Workspace& ws, vm::StoreWorkspaceData& data, const std::function<bool()>& done,
                       std::chrono::seconds bound = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  std::int64_t now_ms = 1000;
  for (int i = 0; std::chrono::steady_clock::now() < deadline; ++i) {
    ws.tick(now_ms += 10);
    if (done()) return true;
    if (i % 50 == 0) data.request_sync();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace ws::kiosk::test
