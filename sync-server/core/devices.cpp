#include "sync-server/core/devices.hpp"

#include <ctime>

#include "sync-server/core/records.hpp"
#include "sync-server/core/vault_escrow.hpp"
#include "ws/crypto.hpp"
#include "ws/envelope.hpp"
#include "ws/ids.hpp"

namespace ws::server {

std::optional<std::int64_t> parse_duration_ms(const std::string& text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  std::int64_t unit = 1000;
  std::string digits = text;
  switch (text.back()) {
    case 's': unit = 1000; digits.pop_back(); break;
    case 'm': unit = 60'000; digits.pop_back(); break;
    case 'h': unit = 3'600'000; digits.pop_back(); break;
    case 'd': unit = 86'400'000; digits.pop_back(); break;
    default: break;
  }
  if (digits.empty()) return std::nullopt;
  std::int64_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n <= 0 || n > 365LL * 86400) return std::nullopt;  // a year in seconds bounds every unit sanely
  return n * unit;
}

std::string iso8601_utc(std::int64_t unix_ms) {
  const std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<EnrollCode> DeviceRegistry::create_code(const std::string& centre, std::int64_t ttl_ms) {
  if (!is_valid_centre(centre) || centre == kAllCentres) {
    return fail("invalid_request", "a centre code is 1-32 letters, digits, '_' or '-' (and not '_all')");
  }
  if (ttl_ms <= 0) return fail("invalid_request", "the code's lifetime must be positive");
  EnrollCode out{crypto::random_code(), centre, unix_ms_now() + ttl_ms};
  auto w = WriteScope::begin(db_);
  if (!w) return fail(w.error());
  auto st = w->conn().prepare(
      "INSERT INTO enroll_codes (code_digest, centre, created_at_ms, expires_at_ms) VALUES (?1, ?2, ?3, ?4)");
  if (!st) return fail(st.error());
  st->bind(1, crypto::token_digest(out.code)).bind(2, centre).bind(3, unix_ms_now()).bind(4, out.expires_at_ms);
  if (auto s = st->run(); !s) return fail(s.error());
  if (auto s = w->commit(); !s) return fail(s.error());
  return out;
}

Result<Enrolment> DeviceRegistry::enroll(const std::string& code, const std::string& device_name) {
  if (code.empty() || code.size() > 64 || device_name.empty() || device_name.size() > 128) {
    return fail("invalid_request", "code and device_name must be 1-64 and 1-128 characters");
  }
  auto w = WriteScope::begin(db_);
  if (!w) return fail(w.error());
  auto& db = w->conn();
  auto find = db.prepare("SELECT centre, expires_at_ms, used_at_ms FROM enroll_codes WHERE code_digest = ?1");
  if (!find) return fail(find.error());
  // Codes are shown in groups of four; accept them typed in lower case too.
  std::string normalised = code;
  for (char& c : normalised) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  find->bind(1, crypto::token_digest(normalised));
  auto row = find->step();
  if (!row) return fail(row.error());
  const auto now = unix_ms_now();
  if (!*row || !find->is_null(2) || find->column_int(1) <= now) {
    return fail("invalid_code", "the enrolment code is unknown, already used or expired");
  }
  Enrolment out;
  out.device = Device{new_uuid_v7(), device_name, find->column_text(0)};
  out.token = crypto::random_token(32);
  find->reset();

  auto use = db.prepare("UPDATE enroll_codes SET used_at_ms = ?1, device_id = ?2 WHERE code_digest = ?3");
  if (!use) return fail(use.error());
  use->bind(1, now).bind(2, out.device.id).bind(3, crypto::token_digest(normalised));
  if (auto s = use->run(); !s) return fail(s.error());
  auto add = db.prepare(
      "INSERT INTO devices (id, name, centre, token_digest, enrolled_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!add) return fail(add.error());
  add->bind(1, out.device.id).bind(2, device_name).bind(3, out.device.centre)
      .bind(4, crypto::token_digest(out.token)).bind(5, now);
  if (auto s = add->run(); !s) return fail(s.error());
  if (auto s = w->commit(); !s) return fail(s.error());
  return out;
}

Result<Device> DeviceRegistry::authenticate(const std::string& token) {
  if (token.empty() || token.size() > 256) return fail("unauthorized", "unknown device token");
  auto lease = db_.acquire();
  if (!lease) return fail(lease.error());
  // The digest is the lookup key; equality on a 256-bit digest of a random secret leaks
  // nothing useful through timing.
  auto st = (*lease)->prepare("SELECT id, name, centre, revoked_at_ms FROM devices WHERE token_digest = ?1");
  if (!st) return fail(st.error());
  st->bind(1, crypto::token_digest(token));
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return fail("unauthorized", "unknown device token");
  if (!st->is_null(3)) return fail("revoked", "this device has been revoked");
  return Device{st->column_text(0), st->column_text(1), st->column_text(2)};
}

Status DeviceRegistry::note_seen(const std::string& device_id, std::int64_t now_ms) {
  {
    std::lock_guard guard(seen_mutex_);
    auto [it, fresh] = last_noted_ms_.try_emplace(device_id, now_ms);
    if (!fresh && now_ms - it->second < kSeenResolutionMs) return ok();
    it->second = now_ms;
  }
  std::unique_lock writer(db_.write_mutex(), std::try_to_lock);
  if (!writer.owns_lock()) {
    std::lock_guard guard(seen_mutex_);
    last_noted_ms_.erase(device_id);
    return ok();
  }
  auto lease = db_.acquire();
  if (!lease) return fail(lease.error());
  auto st = (*lease)->prepare("UPDATE devices SET last_seen_at_ms = max(coalesce(last_seen_at_ms, 0), ?1) WHERE id = ?2");
  if (!st) return fail(st.error());
  st->bind(1, now_ms).bind(2, device_id);
  return st->run();
}

Result<nlohmann::json> DeviceRegistry::list() {
  auto lease = db_.acquire();
  if (!lease) return fail(lease.error());
  auto st = (*lease)->prepare(
      "SELECT id, name, centre, enrolled_at_ms, last_seen_at_ms, revoked_at_ms FROM devices ORDER BY enrolled_at_ms, id");
  if (!st) return fail(st.error());
  nlohmann::json out = nlohmann::json::array();
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    nlohmann::json d = {{"device_id", st->column_text(0)},
                        {"name", st->column_text(1)},
                        {"centre", st->column_text(2)},
                        {"enrolled_at", iso8601_utc(st->column_int(3))},
                        {"last_seen_at", nullptr},
                        {"revoked", !st->is_null(5)},
                        {"revoked_at", nullptr}};
    if (!st->is_null(4)) d["last_seen_at"] = iso8601_utc(st->column_int(4));
    if (!st->is_null(5)) d["revoked_at"] = iso8601_utc(st->column_int(5));
    out.push_back(std::move(d));
  }
  return out;
}

Status DeviceRegistry::revoke(const std::string& device_id) {
  auto w = WriteScope::begin(db_);
  if (!w) return fail(w.error());
  auto st = w->conn().prepare(
      "UPDATE devices SET revoked_at_ms = COALESCE(revoked_at_ms, ?1) WHERE id = ?2");
  if (!st) return fail(st.error());
  st->bind(1, unix_ms_now()).bind(2, device_id);
  if (auto s = st->run(); !s) return s;
  if (w->conn().changes() == 0) return fail("not_found", "no device with that id");
  // A revoked kiosk's data key leaves the server with it: nobody can be granted it any more.
  if (auto s = vault_escrow::forget(w->conn(), device_id); !s) return s;
  return w->commit();
}

}  // namespace ws::server
