#include "sync-server/core/erasure.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <thread>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "sync-server/core/case_index.hpp"
#include "sync-server/core/devices.hpp"
#include "sync-server/core/records.hpp"
#include "ws/erasure.hpp"
#include "ws/hlc.hpp"
#include "ws/ids.hpp"

namespace ws::server {
namespace {

using nlohmann::json;

constexpr const char* kErasedRefusal = "the record was erased at HQ; this edit was dropped";
constexpr const char* kErasedCaseRefusal = "the record's case was erased at HQ; this record was dropped";
constexpr const char* kOnlyHqErases = "only HQ erases records (payload field '_erased')";
constexpr std::size_t kMaxReasonChars = 500;

// Records are linked to their case by payload `_case_id` (the indexed column `case_id` of
// records holds it); refused payloads may be any text, so they are read only when they are
// valid JSON.
constexpr const char* kLinkedIdsSql =
    "SELECT id FROM records WHERE id = ?1 AND kind = 'case' "
    "UNION ALL SELECT id FROM records WHERE centre = ?2 AND id <> ?1 AND case_id = ?1";

Result<std::vector<std::string>> linked_ids(sql::Connection& db, const std::string& case_id, const std::string& centre) {
  auto st = db.prepare(kLinkedIdsSql);
  if (!st) return fail(st.error());
  st->bind(1, case_id).bind(2, centre);
  std::vector<std::string> ids;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    ids.push_back(st->column_text(0));
  }
  return ids;
}

Status write_tombstones(sql::Connection& db, const std::vector<std::string>& ids, const std::string& erasure_id) {
  auto version = next_server_version(db);
  if (!version) return fail(version.error());
  auto writer = RecordWriter::begin(db);
  if (!writer) return fail(writer.error());
  for (const auto& id : ids) {
    auto stored = writer->load(id);
    if (!stored) return fail(stored.error());
    if (!*stored) continue;
    Envelope e = std::move(**stored);
    e.version = *version;
    e.deleted = true;
    e.payload = json{{kErasedKey, erasure_id}};
    e.field_versions.clear();
    e.base_version.reset();
    if (auto seq = writer->write(e); !seq) return fail(seq.error());
  }
  return ok();
}

// The conflict log and the refused table keep values of these records (and refused records of
// the case that were never stored): their values go, the rows stay as the trace of what happened.
// The version history (server authority) holds whole earlier payloads: an erased record needs no
// history, since every later write to it is refused.
Status scrub_logs(sql::Connection& db, const std::vector<std::string>& ids, const std::string& case_id) {
  auto conflicts = db.prepare("UPDATE conflicts SET lost_value = 'null', won_value = 'null' WHERE record_id = ?1");
  auto refused = db.prepare("UPDATE refused SET payload = '{}' WHERE record_id = ?1");
  auto history = db.prepare("DELETE FROM record_history WHERE record_id = ?1");
  if (!conflicts) return fail(conflicts.error());
  if (!refused) return fail(refused.error());
  if (!history) return fail(history.error());
  for (const auto& id : ids) {
    conflicts->reset();
    if (auto s = conflicts->bind(1, id).run(); !s) return s;
    refused->reset();
    if (auto s = refused->bind(1, id).run(); !s) return s;
    history->reset();
    if (auto s = history->bind(1, id).run(); !s) return s;
  }
  auto linked = db.prepare(
      "UPDATE refused SET payload = '{}' WHERE payload <> '{}' AND "
      "(CASE WHEN json_valid(payload) THEN json_extract(payload, '$._case_id') END) = ?1");
  if (!linked) return fail(linked.error());
  return linked->bind(1, case_id).run();
}

Status keep_erasure(sql::Connection& db, const Erasure& e) {
  auto st = db.prepare(
      "INSERT INTO erasures (id, case_id, centre, reason, erased_by, erased_at_ms, record_ids)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!st) return fail(st.error());
  return st->bind(1, e.id).bind(2, e.case_id).bind(3, e.centre).bind(4, e.reason).bind(5, e.by)
      .bind(6, e.at_ms).bind(7, json(e.record_ids).dump()).run();
}

Status check_request(const ErasureRequest& r) {
  if (!is_uuid(r.case_id)) return fail("invalid_request", "--case must be a case's id (a UUID)");
  if (r.reason.empty() || r.reason.size() > kMaxReasonChars) {
    return fail("invalid_request", "--reason must be 1-500 characters");
  }
  if (r.by.empty() || r.by.size() > 128) return fail("invalid_request", "the erasure needs who asked for it");
  return ok();
}

}  // namespace

Result<Erasure> erase_case(Database& db, const ErasureRequest& request) {
  if (auto s = check_request(request); !s) return fail(s.error());
  Erasure out;
  {
    auto w = WriteScope::begin(db);
    if (!w) return fail(w.error());
    auto& conn = w->conn();
    auto found = load_record(conn, request.case_id);
    if (!found) return fail(found.error());
    if (!*found || (*found)->kind != "case") return fail("not_found", "no case has this id");
    out = Erasure{new_uuid_v7(), request.case_id, (*found)->centre, request.reason, request.by, unix_ms_now(), {}, false};
    auto ids = linked_ids(conn, request.case_id, out.centre);
    if (!ids) return fail(ids.error());
    out.record_ids = std::move(*ids);
    if (auto s = write_tombstones(conn, out.record_ids, out.id); !s) return fail(s.error());
    if (auto s = scrub_logs(conn, out.record_ids, out.case_id); !s) return fail(s.error());
    if (auto s = keep_erasure(conn, out); !s) return fail(s.error());
    // Writing the tombstones took the case out of the index; this drops its words too.
    if (auto s = compact_case_index(conn); !s) return fail(s.error());
    if (auto s = w->commit(); !s) return fail(s.error());
  }
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto scrubbed = scrub_wal(**lease);
  if (!scrubbed) return fail(scrubbed.error());
  out.files_scrubbed = *scrubbed;
  return out;
}

Result<bool> scrub_wal(sql::Connection& db, int attempts) {
  for (int i = 0; i < attempts; ++i) {
    auto st = db.prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    if (!st) return fail(st.error());
    auto row = st->step();
    // SQLITE_BUSY while another process holds the write lock: the same as a busy row.
    if (row && *row && st->column_int(0) == 0) return true;
    // Readers of an older snapshot block the truncation until they finish; they are short.
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return false;
}

Result<std::vector<Erasure>> list_erasures(Database& db) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto st = (*lease)->prepare(
      "SELECT id, case_id, centre, reason, erased_by, erased_at_ms, record_ids FROM erasures ORDER BY erased_at_ms, id");
  if (!st) return fail(st.error());
  std::vector<Erasure> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    Erasure e{st->column_text(0), st->column_text(1), st->column_text(2), st->column_text(3), st->column_text(4),
              st->column_int(5), {}, true};
    json ids = json::parse(st->column_text(6), nullptr, false);
    if (ids.is_array()) {
      for (const auto& id : ids) {
        if (id.is_string()) e.record_ids.push_back(id.get<std::string>());
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

json to_json(const Erasure& e) {
  return {{"erasure_id", e.id},       {"case_id", e.case_id},
          {"centre", e.centre},       {"reason", e.reason},
          {"erased_by", e.by},        {"erased_at", iso8601_utc(e.at_ms)},
          {"records", e.record_ids},  {"files_scrubbed", e.files_scrubbed}};
}

Result<json> pending_erasures(Database& db) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto st = (*lease)->prepare(
      "SELECT r.id, r.centre, json_extract(r.payload, '$._case_id'), json_extract(r.payload, '$.withdrawal_scope'),"
      " r.field_versions, r.version FROM records r"
      " WHERE r.kind = 'consent' AND r.deleted = 0 AND json_extract(r.payload, '$.withdrawn') = 1"
      " AND json_extract(r.payload, '$._case_id') IS NOT NULL"
      " AND NOT EXISTS (SELECT 1 FROM erasures e WHERE e.case_id = json_extract(r.payload, '$._case_id'))"
      " ORDER BY r.centre, r.id");
  if (!st) return fail(st.error());
  json out = json::array();
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    // When withdrawal was recorded: the version of the `withdrawn` field (the record's if absent).
    json versions = json::parse(st->column_text(4), nullptr, false);
    std::string version = st->column_text(5);
    if (versions.is_object() && versions.contains("withdrawn") && versions["withdrawn"].is_string()) {
      version = versions["withdrawn"].get<std::string>();
    }
    auto parsed = Version::parse(version);
    json scope = st->is_null(3) ? json::array() : json::parse(st->column_text(3), nullptr, false);
    out.push_back({{"case_id", st->column_text(2)},
                   {"centre", st->column_text(1)},
                   {"consent_record", st->column_text(0)},
                   {"withdrawal_scope", scope.is_discarded() ? json::array() : scope},
                   {"withdrawn_at", parsed ? json(iso8601_utc(parsed->hlc.wall_ms)) : json()}});
  }
  return out;
}

Result<ErasureGuard> ErasureGuard::load(sql::Connection& db, const std::string& centre) {
  auto st = db.prepare("SELECT DISTINCT case_id FROM erasures WHERE centre = ?1 ORDER BY case_id");
  if (!st) return fail(st.error());
  st->bind(1, centre);
  ErasureGuard g;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    g.erased_cases_.push_back(st->column_text(0));
  }
  return g;
}

bool carries_erased_marker(std::string_view payload_text) {
  static const std::string marker = std::string("\"") + kErasedKey + "\":";
  const char* text = payload_text.data();
  const std::size_t n = payload_text.size();
  if (n < marker.size()) return false;
  const std::size_t starts = n - marker.size() + 1;  // the places the marker could begin
  std::size_t at = 0;
#if defined(__SSE2__)
  // The marker opens with `"_`, a pair only a key or text beginning with '_' makes: 32 places
  // are tested for it at a step and memcmp confirms the few that have it. glibc's memmem, which
  // steps through every byte, cost ~1,300 instructions a record (docs/performance.md, session
  // 22); std::string::find stopped at every '"' (session 12).
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i underscore = _mm_set1_epi8(marker[1]);
  auto pairs_at = [&](std::size_t from) {  // 0xFF where a place of text[from, from + 16) holds `"_`
    const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text + from));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text + from + 1));
    return _mm_and_si128(_mm_cmpeq_epi8(here, quote), _mm_cmpeq_epi8(next, underscore));
  };
  auto confirm = [&](std::size_t from, std::uint32_t pairs) {
    for (; pairs != 0; pairs &= pairs - 1) {
      if (std::memcmp(text + from + std::countr_zero(pairs), marker.data(), marker.size()) == 0) return true;
    }
    return false;
  };
  for (; at + 32 <= starts; at += 32) {
    const __m128i low = pairs_at(at), high = pairs_at(at + 16);
    if (_mm_movemask_epi8(_mm_or_si128(low, high)) == 0) continue;
    const auto pairs = static_cast<std::uint32_t>(_mm_movemask_epi8(low)) |
                       static_cast<std::uint32_t>(_mm_movemask_epi8(high)) << 16;
    if (confirm(at, pairs)) return true;
  }
  if (at + 16 <= starts) {
    if (confirm(at, static_cast<std::uint32_t>(_mm_movemask_epi8(pairs_at(at))))) return true;
    at += 16;
  }
#endif
  for (; at < starts; ++at) {
    if (text[at] == '"' && std::memcmp(text + at, marker.data(), marker.size()) == 0) return true;
  }
  return false;
}

std::string ErasureGuard::refusal(const std::optional<Envelope>& stored, std::string_view payload_text,
                                  bool marked) const {
  if (stored && is_erased(*stored)) return kErasedRefusal;
  // Kiosks replace an erased record whole, without merging: no device may send that marker.
  if (marked) return kOnlyHqErases;
  if (erased_cases_.empty()) return "";
  // Payload texts are compact JSON (no blanks), so the link is found without parsing.
  constexpr std::string_view key = "\"_case_id\":\"";
  const auto at = payload_text.find(key);
  if (at == std::string_view::npos) return "";
  const auto start = at + key.size();
  const auto end = payload_text.find('"', start);
  if (end == std::string_view::npos) return "";
  const std::string_view case_id = payload_text.substr(start, end - start);
  return std::binary_search(erased_cases_.begin(), erased_cases_.end(), case_id) ? kErasedCaseRefusal : "";
}

bool is_erasure_refusal(const std::string& message) {
  return message == kErasedRefusal || message == kErasedCaseRefusal;
}

}  // namespace ws::server
