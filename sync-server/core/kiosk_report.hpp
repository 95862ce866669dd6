#pragma once
// Keeps each kiosk's last sync report (ws/kiosk_state.hpp) on its device row: outbox waiting,
// quarantined, app version and audit chain head (its anchor). Written only when it changed,
// so steady pulls cost no write; a malformed header is ignored.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "sync-server/core/database.hpp"
#include "ws/kiosk_state.hpp"
#include "ws/result.hpp"

namespace ws::server {

class KioskReports {
 public:
  explicit KioskReports(Database& db) : db_(db) {}
  // `header` is the request's X-Waystation-Kiosk-State (empty when absent). Never fails the
  // caller's request: a write that cannot happen now is retried with the next report.
  void note(const std::string& device_id, const std::string& header, std::int64_t now_ms);

 private:
  Database& db_;
  std::mutex mutex_;
  std::map<std::string, std::string> stored_;  // device -> the report text last written
};

Status store_kiosk_state(Database& db, const std::string& device_id, const protocol::KioskState& state,
                         std::int64_t now_ms);

// `sync-server audit anchors`: every device's last reported audit chain head.
Result<nlohmann::json> audit_anchors(Database& db);

}  // namespace ws::server
