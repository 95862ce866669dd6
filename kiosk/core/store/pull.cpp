// Applying the server's change feed: per-field HLC merge into local records, and the cursor
// committed with the changes it covers, so a crash never skips or half-applies a page.
#include <string_view>
#include <unordered_set>

#include "kiosk/core/store/page_key.hpp"
#include "kiosk/core/store/record_row.hpp"
#include "kiosk/core/store/store.hpp"
#include "kiosk/core/store/vault.hpp"
#include "ws/envelope_reader.hpp"
#include "ws/erasure.hpp"
#include "ws/merge.hpp"

namespace ws::kiosk {
namespace {

// HQ publishes forms and content for every centre; everything else must be ours.
bool visible_everywhere(const std::string& kind) { return kind == "form" || kind == "content"; }

// Which of the page's records this kiosk holds already, in one query for the page: the others
// (on a new kiosk, all of them) are stored as they came, without a lookup each. The set views
// the page's own ids (the page outlives it), so it makes no copy of each.
Result<std::unordered_set<std::string_view>> held_ids(sql::Connection& db, const protocol::PullResponse& page) {
  // Ids are UUIDs (the envelope checks): nothing in them to escape.
  std::string ids = "[";
  for (const auto& e : page.records) {
    if (ids.size() > 1) ids += ',';
    ids += '"';
    ids += e.id;
    ids += '"';
  }
  ids += ']';
  auto st = db.prepare("SELECT id FROM records WHERE id IN (SELECT value FROM json_each(?1))");
  if (!st) return fail(st.error());
  st->bind(1, ids);
  std::unordered_set<std::string> stored;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    stored.insert(st->column_text(0));
  }
  std::unordered_set<std::string_view> held;
  held.reserve(page.records.size());
  for (const auto& e : page.records) {
    if (stored.count(e.id) > 0) held.insert(e.id);
  }
  return held;
}

// The payload text the page's parse kept for record `i`, when it kept them.
const std::string* page_payload_json(const protocol::PullResponse& page, std::size_t i) {
  return page.payload_json.size() == page.records.size() ? &page.payload_json[i] : nullptr;
}

// The `_case_id` the page's read took for record `i` when it built no tree for it.
const std::optional<std::string>* page_case_id(const protocol::PullResponse& page, std::size_t i) {
  return page.case_ids.size() == page.records.size() && page.records[i].payload.is_null() ? &page.case_ids[i] : nullptr;
}

}  // namespace

bool Store::pull_reads_payload(const Envelope& e) { return e.deleted || e.kind == "form"; }

Status Store::insert_pulled(const Envelope& incoming, std::int64_t now_ms, const std::string* payload_json) {
  return row::insert_pulled(db_, data_dir_, incoming, now_ms, payload_json);
}

Result<bool> Store::merge_pulled(const Envelope& incoming, std::int64_t now_ms) {
  auto local = get(incoming.id);
  if (!local) return fail(local.error());
  if (!*local) {
    if (auto s = insert_pulled(incoming, now_ms); !s) return fail(s.error());
    return true;
  }
  StoredRecord r;
  if ((*local)->payload_locked) {
    // The merge needs the local values: kept sealed until the next sign-in (pull_inbox.cpp).
    if (auto s = stash_pulled(incoming, now_ms); !s) return fail(s.error());
    return false;
  } else {
    r = std::move(**local);
    if (r.envelope.kind != incoming.kind || r.envelope.centre != incoming.centre) return false;
    const auto outcome = merge(r.envelope, incoming);
    for (const auto& c : outcome.conflicts) {
      // Pulled records carry no base version, so the merge flags every replaced value; only
      // a local value newer than what the server has acknowledged was never seen there.
      const bool local_lost = c.stored_lost;
      const bool unseen = !r.envelope.base_version || *r.envelope.base_version < c.lost_version;
      if (!local_lost || !unseen) continue;
      if (auto s = log_conflict({incoming.id, c.field, c.lost_value, c.lost_version, c.won_version, now_ms, 0, std::nullopt}); !s) {
        return fail(s.error());
      }
    }
    const bool base_moves = !r.envelope.base_version || *r.envelope.base_version < incoming.version;
    if (!outcome.changed && !base_moves) return false;
    const auto base = base_moves ? incoming.version : *r.envelope.base_version;
    r.envelope = outcome.merged;
    r.envelope.base_version = base;
    if (!outcome.changed) {
      // Only the base moves: what we know the server has seen.
      if (auto s = row::upsert(db_, data_dir_, r); !s) return fail(s.error());
      return false;
    }
  }
  r.updated_ms = now_ms;
  if (auto s = row::upsert(db_, data_dir_, r); !s) return fail(s.error());
  // A queued local edit now goes out merged, as a batch made from the record would send it.
  if (auto s = reseal_queued(r.envelope); !s) return fail(s.error());
  return true;
}

Result<std::size_t> Store::apply_pull(const protocol::PullResponse& page) {
  if (auto s = writable(); !s) return fail(s.error());
  return retry_on_full([&] { return apply_pull_once(page); });
}

Result<std::size_t> Store::apply_pull_once(const protocol::PullResponse& page) {
  auto me = identity();
  if (!me) return fail(me.error());
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  // With the vault locked, the page's records are sealed under one key: one X25519 per page.
  page_key::Scope page_key(db_, data_dir_);
  auto last = meta("hlc");
  if (!last) return fail(last.error());
  if (!last->empty()) {
    if (auto h = Hlc::parse(*last)) clock_.restore(*h);
  }

  std::size_t changed = 0;
  bool erased = false;
  const auto now = HlcClock::system_wall_ms();
  // What arrived while the vault was locked is older than this page: merged first.
  auto from_inbox = merge_inbox(now);
  if (!from_inbox) return fail(from_inbox.error());
  changed += *from_inbox;
  auto held = held_ids(db_, page);
  if (!held) return fail(held.error());
  // Read once for the page: this transaction sees one vault row throughout, and nothing below
  // makes a vault (record_codec::encode_text_with_key).
  auto vault_key = vault::public_key(db_);
  if (!vault_key) return fail(vault_key.error());
  auto new_rows = row::PulledRows::prepare(db_, data_dir_, &*vault_key);
  if (!new_rows) return fail(new_rows.error());
  for (std::size_t i = 0; i < page.records.size(); ++i) {
    const Envelope& incoming = page.records[i];
    // Defence in depth: the server scopes pulls by centre; a record of another centre that
    // arrives anyway is never stored, so it can never be shown here.
    if (incoming.centre != me->centre && !visible_everywhere(incoming.kind)) continue;
    // A stamp from a clock far ahead is still merged (its order is what it is), but it does
    // not drag this kiosk's clock along.
    (void)clock_.observe(incoming.version.hlc);
    if (is_erased(incoming)) {
      // Replaced whole, never merged: a merge would keep the local values.
      if (auto s = apply_erased(incoming, now); !s) return fail(s.error());
      erased = true;
      ++changed;
      held->insert(incoming.id);
      continue;
    }
    if (held->insert(incoming.id).second) {
      if (auto s = new_rows->insert(incoming, now, page_payload_json(page, i), page_case_id(page, i)); !s) {
        return fail(s.error());
      }
      ++changed;
      continue;
    }
    // The merge reads every field's version and value: a page read compact and without trees
    // (read_pull_page) is expanded, and given its tree, for the records it merges only.
    Envelope full = incoming;
    if (full.payload.is_null()) full.payload = protocol::payload_tree_of(page, i);
    expand_field_versions(full);
    auto one = merge_pulled(full, now);
    if (!one) return fail(one.error());
    if (*one) ++changed;
  }
  if (auto s = requeue_for_forms(page); !s) return fail(s.error());
  if (auto s = set_meta("hlc", clock_.last().to_string()); !s) return fail(s.error());
  if (auto s = set_meta("pull_cursor", page.cursor); !s) return fail(s.error());
  if (auto s = tx->commit(); !s) return fail(s.error());
  if (erased) (void)scrub_wal_now_or_later(true);
  return changed;
}

}  // namespace ws::kiosk
