// The sealed pull inbox (docs/security.md "Encryption at rest"): a pulled record whose local
// copy is encrypted cannot be merged while the vault is locked (the merge is field by field
// and needs the local values). It is kept sealed to the vault's public key and merged, in
// arrival order, at the next sign-in or the first pull after it. Entries written during a pull
// page are under that page's key (codec kPageKey, page_key.hpp: one X25519 per page); older
// entries, and any written outside a page, are sealed boxes (codec kSealedJson).
#include <vector>

#include "kiosk/core/store/page_key.hpp"
#include "kiosk/core/store/payload_codec.hpp"
#include "kiosk/core/store/record_codec.hpp"
#include "kiosk/core/store/store.hpp"
#include "kiosk/core/store/vault.hpp"

namespace ws::kiosk {

Status Store::stash_pulled(const Envelope& incoming, std::int64_t now_ms) {
  auto pk = vault::public_key(db_);
  if (!pk) return fail(pk.error());
  if (pk->empty()) return fail(record_codec::kLocked, "a locked record without a vault");
  auto st = db_.prepare("INSERT INTO pull_inbox(record_id, envelope, received_ms, codec) VALUES(?1, ?2, ?3, ?4)");
  if (!st) return fail(st.error());
  const std::string text = to_json(incoming).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto paged = page_key::encrypt(db_, *pk, text, page_key::kInbox, incoming.id);
  if (!paged) return fail(paged.error());
  const int form = *paged ? codec::kPageKey : codec::kSealedJson;
  const std::string sealed = *paged ? std::move(**paged) : vault::seal(*pk, text);
  return st->bind(1, incoming.id).bind_blob(2, sealed).bind(3, now_ms).bind(4, form).run();
}

namespace {

struct InboxEntry {
  std::int64_t seq = 0;
  std::string record_id;
  int form = codec::kSealedJson;
  std::string bytes;
};

Result<std::string> open_entry(const std::string& data_dir, sql::Connection& db, const InboxEntry& e) {
  if (e.form == codec::kPageKey) return page_key::decrypt(data_dir, &db, e.bytes, page_key::kInbox, e.record_id);
  return vault::open(data_dir, e.bytes);
}

}  // namespace

Result<std::size_t> Store::merge_inbox(std::int64_t now_ms) {
  if (!vault::unlocked(data_dir_)) return std::size_t{0};
  auto st = db_.prepare("SELECT seq, record_id, codec, envelope FROM pull_inbox ORDER BY seq");
  if (!st) return fail(st.error());
  std::vector<InboxEntry> entries;
  for (;;) {
    auto step = st->step();
    if (!step) return fail(step.error());
    if (!*step) break;
    entries.push_back({st->column_int(0), st->column_text(1), static_cast<int>(st->column_int(2)), st->column_blob(3)});
  }
  if (entries.empty()) return std::size_t{0};
  auto done = db_.prepare("DELETE FROM pull_inbox WHERE seq = ?1");
  if (!done) return fail(done.error());
  std::size_t changed = 0;
  for (const auto& entry : entries) {
    auto plain = open_entry(data_dir_, db_, entry);
    if (!plain) continue;  // not this vault's, moved or altered: kept, never guessed at
    auto incoming = envelope_from_json(nlohmann::json::parse(*plain, nullptr, false));
    if (!incoming) continue;
    auto one = merge_pulled(*incoming, now_ms);
    if (!one) return fail(one.error());
    if (*one) ++changed;
    done->reset();
    if (auto s = done->bind(1, entry.seq).run(); !s) return fail(s.error());
  }
  return changed;
}

Result<std::size_t> Store::merge_pull_inbox() {
  if (auto s = writable(); !s) return std::size_t{0};
  return retry_on_full([&]() -> Result<std::size_t> {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return fail(tx.error());
    auto changed = merge_inbox(HlcClock::system_wall_ms());
    if (!changed) return changed;
    if (auto s = tx->commit(); !s) return fail(s.error());
    return changed;
  });
}

Result<std::int64_t> Store::pull_inbox_count() {
  auto st = db_.prepare("SELECT COUNT(*) FROM pull_inbox");
  if (!st) return fail(st.error());
  auto step = st->step();
  if (!step) return fail(step.error());
  return *step ? st->column_int(0) : 0;
}

}  // namespace ws::kiosk
