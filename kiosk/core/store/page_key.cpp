#include "kiosk/core/store/page_key.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include <sodium.h>

#include "kiosk/core/store/payload_codec.hpp"
#include "kiosk/core/store/store.hpp"
#include "kiosk/core/store/vault.hpp"

namespace ws::kiosk::page_key {

// The innermost scope of this thread; scopes nest (a page inside a wider write).
thread_local Scope* t_innermost = nullptr;

struct Access {
  static Scope* on(const sql::Connection* db) {
    for (Scope* s = t_innermost; s; s = s->outer_) {
      if (s->db_ == db) return s;
    }
    return nullptr;
  }
  // The page key of this thread's scope on `folder` with id `id`, when it is that scope's.
  static const seal::SecretKey* own(const std::string& folder, std::int64_t id) {
    for (Scope* s = t_innermost; s; s = s->outer_) {
      if (s->id_ == id && s->folder_ == folder) return &s->key_;
    }
    return nullptr;
  }
  static Status make(Scope& s, const std::string& public_key) {
    seal::SecretKey key(seal::kKeyBytes);
    randombytes_buf(key.data(), key.size());
    const std::string sealed =
        seal::seal_to(public_key, std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
    auto st = s.db_->prepare("INSERT INTO page_keys(sealed) VALUES(?1)");
    if (!st) return fail(st.error());
    if (auto r = st->bind_blob(1, sealed).run(); !r) return r;
    s.id_ = s.db_->last_insert_rowid();
    s.key_ = std::move(key);
    return ok();
  }
  static const seal::SecretKey& key(const Scope& s) { return s.key_; }
  static std::int64_t id(const Scope& s) { return s.id_; }
};

namespace {

constexpr std::size_t kIdBytes = 8;

// Keys opened in this process, per folder, until the vault is locked (locked memory each).
std::mutex g_mutex;
std::map<std::string, std::map<std::int64_t, std::shared_ptr<const seal::SecretKey>>> g_opened;

std::string aad(std::string_view purpose, std::int64_t key_id, const std::string& record_id) {
  std::string out = "waystation-page-v1";
  out += '\0';
  out += purpose;
  out += '\0';
  out += std::to_string(key_id);
  out += '\0';
  out += record_id;
  return out;
}

std::string id_bytes(std::int64_t id) {
  std::string out(kIdBytes, '\0');
  for (std::size_t i = 0; i < kIdBytes; ++i) out[i] = static_cast<char>((static_cast<std::uint64_t>(id) >> (56 - 8 * i)) & 0xff);
  return out;
}

std::int64_t id_of(std::string_view bytes) {
  std::uint64_t id = 0;
  for (std::size_t i = 0; i < kIdBytes; ++i) id = (id << 8) | static_cast<unsigned char>(bytes[i]);
  return static_cast<std::int64_t>(id);
}

Unexpected corrupt() { return fail("corrupt", "a stored record does not open with this kiosk's key"); }

Result<std::string> sealed_key(const std::string& data_dir, sql::Connection* db, std::int64_t id) {
  std::optional<sql::Connection> own;
  if (!db) {
    sql::OpenOptions ro;
    ro.read_only = true;
    ro.create = false;
    auto conn = sql::Connection::open(Store::database_path(data_dir), ro);
    if (!conn) return fail(conn.error());
    own.emplace(std::move(*conn));
    db = &*own;
  }
  auto st = db->prepare("SELECT sealed FROM page_keys WHERE id = ?1");
  if (!st) return fail(st.error());
  st->bind(1, id);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return corrupt();
  return st->column_blob(0);
}

// The opened key `id` of `data_dir`: one X25519 the first time, then from memory.
Result<std::shared_ptr<const seal::SecretKey>> opened(const std::string& data_dir, sql::Connection* db, std::int64_t id) {
  const auto folder = vault::folder_key(data_dir);
  {
    std::lock_guard guard(g_mutex);
    auto f = g_opened.find(folder);
    if (f != g_opened.end()) {
      if (auto k = f->second.find(id); k != f->second.end()) return k->second;
    }
  }
  auto sealed = sealed_key(data_dir, db, id);
  if (!sealed) return fail(sealed.error());
  auto plain = vault::open(data_dir, *sealed);
  if (!plain) return plain.error().code == "locked" ? fail(plain.error()) : corrupt();
  const bool sized = plain->size() == seal::kKeyBytes;
  auto key = std::make_shared<seal::SecretKey>(seal::kKeyBytes);
  if (sized) std::copy(plain->begin(), plain->end(), key->data());
  sodium_memzero(plain->data(), plain->size());
  if (!sized) return corrupt();
  std::lock_guard guard(g_mutex);
  return g_opened[folder].emplace(id, std::move(key)).first->second;
}

}  // namespace

Scope::Scope(sql::Connection& db, std::string data_dir)
    : db_(&db), folder_(vault::folder_key(data_dir)), outer_(t_innermost) {
  t_innermost = this;
}

Scope::~Scope() { t_innermost = outer_; }

Result<std::optional<std::string>> encrypt(sql::Connection& db, const std::string& public_key, std::string_view plain,
                                           std::string_view purpose, const std::string& record_id) {
  Scope* scope = Access::on(&db);
  if (!scope) return std::optional<std::string>();
  if (Access::id(*scope) == 0) {
    if (auto s = Access::make(*scope, public_key); !s) return fail(s.error());
  }
  const auto id = Access::id(*scope);
  return std::optional<std::string>(id_bytes(id) + seal::encrypt(Access::key(*scope), plain, aad(purpose, id, record_id)));
}

Result<std::string> decrypt(const std::string& data_dir, sql::Connection* db, std::string_view bytes,
                            std::string_view purpose, const std::string& record_id) {
  if (!vault::unlocked(data_dir)) return fail("locked", "sign in to see this: the kiosk's data is locked");
  if (bytes.size() <= kIdBytes) return corrupt();
  const auto id = id_of(bytes);
  const auto boxed = bytes.substr(kIdBytes);
  // A key this thread made in a page still being written is not in the table for other readers.
  if (const auto* own = Access::own(vault::folder_key(data_dir), id)) {
    auto plain = seal::decrypt(*own, boxed, aad(purpose, id, record_id));
    if (!plain) return corrupt();
    return plain;
  }
  auto key = opened(data_dir, db, id);
  if (!key) return fail(key.error());
  auto plain = seal::decrypt(**key, boxed, aad(purpose, id, record_id));
  if (!plain) return corrupt();
  return plain;
}

Status forget_unused(sql::Connection& db, const std::string& data_dir) {
  auto st = db.prepare(
      "DELETE FROM page_keys WHERE NOT EXISTS (SELECT 1 FROM records WHERE payload_codec = ?1)"
      " AND NOT EXISTS (SELECT 1 FROM pull_inbox WHERE codec = ?1)");
  if (!st) return fail(st.error());
  if (auto s = st->bind(1, codec::kPageKey).run(); !s) return s;
  if (db.changes() > 0) forget(data_dir);
  return ok();
}

void forget(const std::string& data_dir) {
  std::map<std::int64_t, std::shared_ptr<const seal::SecretKey>> dropped;
  std::lock_guard guard(g_mutex);
  auto f = g_opened.find(vault::folder_key(data_dir));
  if (f == g_opened.end()) return;
  dropped = std::move(f->second);
  g_opened.erase(f);
  // The keys are wiped (sodium_free) when the last reader in flight lets go of them.
}

}  // namespace ws::kiosk::page_key
