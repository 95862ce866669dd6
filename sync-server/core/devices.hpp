#pragma once
// Kiosk devices: single-use enrolment codes made by an admin, enrolment that trades a code for
// a 256-bit bearer token, token checks on every request, listing and revocation. Only digests
// of codes and tokens are stored: a copied database file lets nobody sync.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync-server/core/database.hpp"
#include "ws/result.hpp"

namespace ws::server {

struct Device {
  std::string id;
  std::string name;
  std::string centre;
};

struct EnrollCode {
  std::string code;  // shown once to the admin, never stored
  std::string centre;
  std::int64_t expires_at_ms = 0;
};

struct Enrolment {
  Device device;
  std::string token;  // returned once to the kiosk, never stored
};

inline constexpr std::int64_t kDefaultCodeTtlMs = 24LL * 3600 * 1000;

class DeviceRegistry {
 public:
  explicit DeviceRegistry(Database& db) : db_(db) {}

  Result<EnrollCode> create_code(const std::string& centre, std::int64_t ttl_ms);
  // Errors: "invalid_code" (unknown, used or expired), "invalid_request".
  Result<Enrolment> enroll(const std::string& code, const std::string& device_name);
  // Errors: "unauthorized" for an unknown token, "revoked" for a revoked device.
  Result<Device> authenticate(const std::string& token);
  Result<nlohmann::json> list();
  // Errors: "not_found".
  Status revoke(const std::string& device_id);
  // Records that an authenticated device reached the server, at most once a minute per device
  // so that pulls do not each cost a write; skipped (and retried next time) while a push holds
  // the write lock, since that push stamps the same column itself.
  Status note_seen(const std::string& device_id, std::int64_t now_ms);

 private:
  static constexpr std::int64_t kSeenResolutionMs = 60'000;
  Database& db_;
  std::mutex seen_mutex_;
  std::map<std::string, std::int64_t> last_noted_ms_;
};

// "3600", "90s", "45m", "24h", "7d" -> milliseconds; nullopt if malformed or not positive.
std::optional<std::int64_t> parse_duration_ms(const std::string& text);

std::string iso8601_utc(std::int64_t unix_ms);

}  // namespace ws::server
