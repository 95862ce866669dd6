#include "kiosk/core/store/vault_escrow.hpp"

#include "kiosk/core/store/store.hpp"
#include "kiosk/core/store/vault.hpp"
#include "ws/vault_grant.hpp"

namespace ws::kiosk::vault_escrow {
namespace {

constexpr const char* kBody = "vault_escrow_body";
constexpr const char* kTag = "vault_escrow_tag";
constexpr const char* kSent = "vault_escrow_sent";

// The escrow's rows in the store's meta table (Store keeps its own meta accessors private).
Result<std::string> get(Store& store, const char* key) {
  auto st = store.connection().prepare("SELECT value FROM meta WHERE key = ?1");
  if (!st) return fail(st.error());
  st->bind(1, std::string(key));
  auto row = st->step();
  if (!row) return fail(row.error());
  return *row ? st->column_text(0) : std::string();
}

Status put(Store& store, const char* key, const std::string& value) {
  auto st = store.connection().prepare(
      "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  if (!st) return fail(st.error());
  return st->bind(1, std::string(key)).bind(2, value).run();
}

// The vault and the server key an escrow is for: a change of either needs a new one.
Result<std::string> current_tag(Store& store, std::string* server_key) {
  auto key = store.server_seal_key();
  if (!key) return fail(key.error());
  auto pk = vault::public_key(store);
  if (!pk) return fail(pk.error());
  if (server_key) *server_key = *key;
  if (key->empty() || pk->empty()) return std::string();
  return vault_grant::to_base64url(*pk) + "." + vault_grant::to_base64url(*key);
}

}  // namespace

Status prepare(Store& store) {
  if (!vault::unlocked(store.data_dir())) return ok();
  std::string server_key;
  auto tag = current_tag(store, &server_key);
  if (!tag) return fail(tag.error());
  if (tag->empty()) return ok();
  auto kept = get(store, kTag);
  if (!kept) return fail(kept.error());
  if (*kept == *tag) return ok();
  auto sealed = vault::seal_secret_to(store, server_key);
  if (!sealed) return sealed.error().code == "locked" ? Status(ok()) : Status(fail(sealed.error()));
  if (auto s = put(store, kBody, vault_grant::to_json(*sealed).dump()); !s) return s;
  return put(store, kTag, *tag);
}

Result<std::optional<Pending>> pending(Store& store) {
  auto tag = current_tag(store, nullptr);
  if (!tag) return fail(tag.error());
  auto kept = get(store, kTag);
  if (!kept) return fail(kept.error());
  auto sent = get(store, kSent);
  if (!sent) return fail(sent.error());
  // A body for an older server key would not open there: it waits for the next sign-in.
  if (tag->empty() || *kept != *tag || *sent == *tag) return std::optional<Pending>();
  auto body = get(store, kBody);
  if (!body) return fail(body.error());
  return std::optional<Pending>(Pending{*body, *tag});
}

Status mark_sent(Store& store, const std::string& tag) { return put(store, kSent, tag); }

}  // namespace ws::kiosk::vault_escrow
