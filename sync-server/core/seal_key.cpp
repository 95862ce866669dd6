#include "sync-server/core/seal_key.hpp"

#include <sodium.h>

#include <cstring>

#include "sync-server/core/records.hpp"

namespace ws::server {
namespace {

Result<std::optional<seal::KeyPair>> stored(sql::Connection& db) {
  auto st = db.prepare("SELECT public_key, secret_key FROM seal_key WHERE one = 1");
  if (!st) return fail(st.error());
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<seal::KeyPair>();
  std::string secret = st->column_blob(1);
  seal::KeyPair keys{st->column_blob(0), seal::SecretKey(secret.size())};
  if (!secret.empty() && !keys.secret_key.empty()) std::memcpy(keys.secret_key.data(), secret.data(), secret.size());
  sodium_memzero(secret.data(), secret.size());
  if (keys.secret_key.empty()) return fail("internal", "the server's sealing key cannot be loaded");
  if (seal::public_key_of(keys.secret_key) != keys.public_key) {
    return fail("internal", "the server's stored sealing key pair does not match");
  }
  return std::optional<seal::KeyPair>(std::move(keys));
}

}  // namespace

Result<seal::KeyPair> load_or_create_seal_key(sql::Connection& db) {
  auto existing = stored(db);
  if (!existing) return fail(existing.error());
  if (*existing) return std::move(**existing);
  auto made = seal::make_key_pair();
  if (!made) return fail(made.error());
  const std::string_view secret(reinterpret_cast<const char*>(made->secret_key.data()), made->secret_key.size());
  auto st = db.prepare(
      "INSERT OR IGNORE INTO seal_key(one, public_key, secret_key, created_at_ms) VALUES(1, ?1, ?2, ?3)");
  if (!st) return fail(st.error());
  if (auto s = st->bind_blob(1, made->public_key).bind_blob(2, secret).bind(3, unix_ms_now()).run(); !s) {
    return fail(s.error());
  }
  // Another process may have made it first: the stored pair is the one that counts.
  auto now = stored(db);
  if (!now) return fail(now.error());
  if (!*now) return fail("internal", "the server's sealing key could not be stored");
  return std::move(**now);
}

}  // namespace ws::server
