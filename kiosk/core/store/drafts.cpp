// Drafts: unsaved form input per counsellor, so an idle lock clears the screen, not the work.
#include "kiosk/core/store/payload_codec.hpp"
#include "kiosk/core/store/store.hpp"
#include "kiosk/core/store/vault.hpp"

namespace ws::kiosk {
namespace {

Status check_draft_key(const std::string& counsellor, const std::string& key) {
  if (counsellor.empty() || counsellor.size() > 128) return fail("invalid_argument", "a draft needs a counsellor id");
  if (key.empty() || key.size() > 256) return fail("invalid_argument", "a draft needs a key of 1-256 characters");
  return ok();
}

Result<Draft> read_draft(Store& store, const sql::Statement& st) {
  Draft d;
  d.counsellor = st.column_text(0);
  d.key = st.column_text(1);
  auto value = vault::decode(store, static_cast<int>(st.column_int(2)), st.column_blob(3));
  if (!value) return fail(value.error());
  d.value = std::move(*value);
  d.updated_ms = st.column_int(4);
  return d;
}

}  // namespace

Status Store::put_draft(const std::string& counsellor, const std::string& key, const nlohmann::json& value) {
  if (auto s = writable(); !s) return s;
  if (auto s = check_draft_key(counsellor, key); !s) return s;
  auto st = db_.prepare(R"sql(
    INSERT INTO drafts(counsellor, key, value_codec, value, updated_ms) VALUES(?1, ?2, ?3, ?4, ?5)
    ON CONFLICT(counsellor, key) DO UPDATE SET
      value_codec = excluded.value_codec, value = excluded.value, updated_ms = excluded.updated_ms)sql");
  if (!st) return fail(st.error());
  const auto encoded = vault::encode(*this, value);
  if (!encoded) return fail(encoded.error());
  return st->bind(1, counsellor).bind(2, key).bind(3, encoded->codec).bind_blob(4, encoded->bytes)
      .bind(5, HlcClock::system_wall_ms()).run();
}

Result<std::optional<Draft>> Store::get_draft(const std::string& counsellor, const std::string& key) {
  auto st = db_.prepare(
      "SELECT counsellor, key, value_codec, value, updated_ms FROM drafts WHERE counsellor = ?1 AND key = ?2");
  if (!st) return fail(st.error());
  st->bind(1, counsellor).bind(2, key);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<Draft>();
  auto d = read_draft(*this, *st);
  if (!d) return fail(d.error());
  return std::optional<Draft>(std::move(*d));
}

Result<std::vector<Draft>> Store::drafts(const std::string& counsellor) {
  auto st = db_.prepare(
      "SELECT counsellor, key, value_codec, value, updated_ms FROM drafts WHERE counsellor = ?1 "
      "ORDER BY updated_ms DESC, key");
  if (!st) return fail(st.error());
  st->bind(1, counsellor);
  std::vector<Draft> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) return out;
    auto d = read_draft(*this, *st);
    if (!d) return fail(d.error());
    out.push_back(std::move(*d));
  }
}

Status Store::delete_draft(const std::string& counsellor, const std::string& key) {
  if (auto s = writable(); !s) return s;
  auto st = db_.prepare("DELETE FROM drafts WHERE counsellor = ?1 AND key = ?2");
  if (!st) return fail(st.error());
  return st->bind(1, counsellor).bind(2, key).run();
}

}  // namespace ws::kiosk
