#include "sync-server/core/ingest.hpp"

#include <optional>
#include <type_traits>
#include <set>
#include <vector>

#include "sync-server/core/authority.hpp"
#include "sync-server/core/erasure.hpp"
#include "sync-server/core/records.hpp"
#include "sync-server/core/refused.hpp"
#include "sync-server/core/replay_digest.hpp"
#include "ws/envelope.hpp"
#include "ws/envelope_reader.hpp"
#include "ws/json_view.hpp"
#include "ws/merge.hpp"
#include "ws/protocol.hpp"
#include "ws/push_reply.hpp"

namespace ws::server {
namespace {

using nlohmann::json;
using protocol::RecordStatus;

// Below this many records handing half to a helper costs more than it saves.
constexpr std::size_t kParallelCheckMinRecords = 64;

// A record the store itself refused (a constraint), not one of the checks.
constexpr const char* kConflictsWithStored = "the record conflicts with stored data";

}  // namespace

struct Candidate {
  bool malformed_json = false;  // its text did not parse: the whole body is malformed
  bool foreign_centre = false;  // names another centre than the device's
  std::string id;  // echoed in the result even when the record is unreadable
  // Accepted records; the payload is kept as its text (payload), field_versions in compact form.
  std::optional<Envelope> envelope;
  std::string rejection;
  // Accepted records: the payload's compact JSON, made once and reused for replay detection and
  // storage. Where the pushed text held it so already, a view into the push body, which outlives
  // the batch (Ingest::push's record_texts).
  PayloadText payload;
  std::string field_versions_text;   // accepted records, compact form (stored_versions.hpp)
  std::string raw_text;              // refused records, for replay detection only
  // Accepted records: what their row takes from the texts, made here rather than by the one
  // writer. Only a new record's row uses it; a merge's row is made from the merged result.
  DerivedColumns derived;
  bool erased_marker = false;  // carries_erased_marker(payload), for ErasureGuard::refusal
};

namespace {

std::string echo_id(const json& raw) {
  if (raw.is_object()) {
    auto it = raw.find("id");
    if (it != raw.end() && it->is_string() && it->get_ref<const std::string&>().size() <= 64) {
      return it->get<std::string>();
    }
  }
  return "";
}

// Read from the payload's compact text (nlohmann writes a NUL, in a key or a value, as \u0000)
// instead of walking the parsed tree again: an escape counts unless its backslash is itself
// escaped.
bool contains_nul(std::string_view payload_text) {
  const std::string_view nul = "\\u0000";
  for (auto at = payload_text.find(nul); at != std::string_view::npos; at = payload_text.find(nul, at + 1)) {
    std::size_t slashes = 0;
    while (slashes < at && payload_text[at - 1 - slashes] == '\\') ++slashes;
    if (slashes % 2 == 0) return true;
  }
  return false;
}

// Counsellor accounts have no form definition; their shape is the server's own rule. `V` is a
// view of the payload (ws/json_view.hpp): the tree of the strict path or simdjson's DOM.
template <typename V>
std::string counsellor_problem(const V& p) {
  std::string unknown;
  p.each_member([&](std::string_view key, const V&) {
    if (unknown.empty() && key != "name" && key != "role" && key != "pin_hash" && key != "active" &&
        key.rfind('_', 0) != 0) {
      unknown = "field '" + std::string(key) + "': unknown field";
    }
  });
  if (!unknown.empty()) return unknown;
  auto name = p.find("name");
  if (!name || !name->is_string() || name->string().empty() || name->string().size() > 128) {
    return "field 'name': must be a string of 1-128 characters";
  }
  auto role = p.find("role");
  if (!role || !role->is_string() || (role->string() != "counsellor" && role->string() != "admin")) {
    return "field 'role': must be 'counsellor' or 'admin'";
  }
  auto hash = p.find("pin_hash");
  if (!hash || !hash->is_string() || hash->string().rfind("$argon2id$", 0) != 0 || hash->string().size() > 256) {
    return "field 'pin_hash': must be an Argon2id hash string";
  }
  auto active = p.find("active");
  if (!active || !active->is_bool()) return "field 'active': must be true or false";
  return "";
}

std::string describe(const std::vector<FieldProblem>& problems) {
  std::string out;
  for (const auto& p : problems) {
    if (out.size() > 2000) {
      out += "; ...";
      break;
    }
    if (!out.empty()) out += "; ";
    out += (p.field.empty() ? std::string("payload") : "field '" + p.field + "'") + ": " + p.message;
  }
  return out;
}

Candidate refused(Candidate c, std::string why, const json& raw) {
  c.rejection = std::move(why);
  c.raw_text = raw.dump(-1, ' ', false, json::error_handler_t::replace);
  return c;
}

// to_json(e).dump() (what a refusal keeps for replay detection and HQ) from the texts already
// written, as the payload may have no tree.
std::string refused_text(const Envelope& e, std::string_view payload_text, std::string_view field_versions_text) {
  const std::string version = e.version.to_string();
  std::optional<std::string> base;
  if (e.base_version) base = e.base_version->to_string();
  return envelope_json(EnvelopeText{e.id, e.kind, e.centre, version, e.deleted, e.schema_version, payload_text,
                                    field_versions_text, base ? std::optional<std::string_view>(*base) : std::nullopt,
                                    EnvelopeForm::Full});
}

// The payload's verdict (empty: acceptable), judged on the tree (`payload` a json) or on
// simdjson's DOM (a json_view::Dom) by the same rules. Only for a record check_envelope would
// judge: a tombstone must be accepted whatever its last payload looked like, or a bad record
// could never be deleted, and a kind no kiosk may push is refused before its payload counts.
template <typename Payload>
std::string payload_problem(const Envelope& e, const Payload& payload, const PayloadValidator& validator) {
  if (e.deleted || !kiosk_may_push(e.kind)) return "";
  if constexpr (std::is_same_v<Payload, json>) {
    if (e.kind == "counsellor") return counsellor_problem(json_view::Tree(payload));
    return describe(validator.validate(e.kind, e.schema_version, payload));
  } else {
    if (e.kind == "counsellor") return counsellor_problem(payload);
    return describe(validator.validate_dom(e.kind, e.schema_version, payload));
  }
}

// The checks after the parse, whichever parse read the envelope (`problem`: payload_problem's
// verdict; `members`: the payload's members in its text when the reader found them, else
// null), into `c` where it lies: a candidate moved through here and back cost ~1,600
// instructions a record in moves and teardowns (docs/performance.md, session 22). From here on
// the payload lives in the texts: a refusal keeps the record's own.
void check_envelope(Candidate& c, Envelope&& e, std::string problem, const std::vector<PayloadMember>* members) {
  c.field_versions_text = field_versions_json(e.field_versions);
  auto refuse = [&](std::string why) {
    c.rejection = std::move(why);
    c.raw_text = refused_text(e, c.payload.view(), c.field_versions_text);
    c.payload = {};
    c.field_versions_text.clear();
  };
  if (e.kind == "form" || e.kind == "content") {
    return refuse("kind '" + e.kind + "' is published by HQ; kiosks may not push it");
  }
  if (!kiosk_may_push(e.kind)) return refuse("unknown kind '" + e.kind + "'");
  if (contains_nul(c.payload.view())) return refuse("payload contains a NUL character");
  if (!problem.empty()) return refuse(std::move(problem));
  c.derived = members != nullptr ? derive_columns(e, c.payload.view(), *members) : derive_columns(e, c.payload.view());
  c.erased_marker = carries_erased_marker(c.payload.view());
  c.envelope = std::move(e);
}

Candidate check_record(json& raw, const std::string& device_centre, const PayloadValidator& validator) {
  Candidate c;
  c.id = echo_id(raw);
  if (raw.is_object()) {
    auto centre = raw.find("centre");
    c.foreign_centre = centre != raw.end() && centre->is_string() &&
                       centre->get_ref<const std::string&>() != device_centre;
  }
  // Compact, as stored: a record written in one go carries no per-field entry at all, so none
  // is made, written as text and freed for it (either form sent parses to the same entries).
  auto e = envelope_from_json(std::move(raw), EnvelopeLimits{}, &c.payload.written, EnvelopeForm::Compact);
  if (!e) return refused(std::move(c), e.error().message, raw);
  std::string problem = payload_problem(*e, e->payload, validator);
  // A new record is stored from its texts; only a merge with a stored one needs the parsed
  // payload, and parses it again. Freeing it here, on a checking thread, takes the teardown of
  // a batch's payloads off the one thread that writes the batch and answers the kiosk.
  e->payload = json();
  check_envelope(c, std::move(*e), std::move(problem), nullptr);
  return c;
}

// The parse step of a record sent as text, into `c` (a fresh candidate): simdjson's reader
// (ws/envelope_reader.hpp) reads the records it accepts without a JSON tree at all, the payload
// judged on its DOM; every other text goes through nlohmann's strict parse, so its verdict and
// messages stay the only ones.
void check_text(std::string_view text, const std::string& device_centre, const PayloadValidator& validator,
                Candidate& c) {
  std::string problem;
  auto judge = [&](const Envelope& e, const json_view::Dom& payload) { problem = payload_problem(e, payload, validator); };
  if (auto read = read_envelope(text, EnvelopeLimits{}, EnvelopeForm::Compact, judge)) {
    c.foreign_centre = read->envelope.centre != device_centre;
    c.id = read->envelope.id;
    c.payload = std::move(read->payload);
    check_envelope(c, std::move(read->envelope), std::move(problem), &read->members);
    return;
  }
  json raw = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (raw.is_discarded()) {
    c.malformed_json = true;
    return;
  }
  c = check_record(raw, device_centre, validator);
}

// What makes a replayed batch "the same batch": every record, field by field, in order. Built
// from the texts the ingest has already made, so replay detection costs no serialisation. One
// line and one hash call a record: hashing the pieces where they lie costs more than the copy,
// libsodium's per-call overhead being larger (docs/performance.md, session 21).
void append_canonical(std::string& out, const Candidate& c) {
  out += '\n';
  if (!c.envelope) {
    out += c.raw_text;
    return;
  }
  const Envelope& e = *c.envelope;
  out += e.id;
  out += '|';
  out += e.kind;
  out += '|';
  out += e.centre;
  out += '|';
  out += c.derived.version;
  out += e.deleted ? "|1|" : "|0|";
  out += std::to_string(e.schema_version);
  out += '|';
  if (e.base_version) out += e.base_version->to_string();
  out += '|';
  out += c.payload.view();
  out += '|';
  out += c.field_versions_text;
}

// The batch's digest in `Hash`'s form (replay_digest.hpp).
template <class Hash>
std::string batch_digest(const std::string& device_id, const std::vector<Candidate>& candidates) {
  Hash hash(device_id);
  std::string line;
  for (const auto& c : candidates) {
    line.clear();
    append_canonical(line, c);
    hash.add(line);
  }
  return hash.finish();
}

bool is_batch_fault(const Error& e) { return e.code != "constraint"; }

// What HQ sees of a refused record (`sync-server refused`): the payload as sent and the reason.
RefusedRecord refusal_of(const Candidate& c, const Device& device, const std::string& message) {
  RefusedRecord r;
  r.record_id = c.id;
  r.centre = device.centre;
  r.device_id = device.id;
  r.code = "rejected";
  r.message = message;
  r.refused_at_ms = unix_ms_now();
  if (c.envelope) {
    r.kind = c.envelope->kind;
    r.payload = c.payload.view();
  } else {
    // Refused before it became an envelope: its payload when it has one, else all that came.
    auto raw = json::parse(c.raw_text, nullptr, false);
    const bool object = raw.is_object();
    if (object && raw.contains("kind") && raw["kind"].is_string()) r.kind = raw["kind"].get<std::string>();
    r.payload = object && raw.contains("payload") ? raw["payload"].dump() : c.raw_text;
  }
  return r;
}

struct RecordOutcome {
  RecordStatus status = RecordStatus::Applied;
  std::string error;
  int conflicts = 0;
};

// The records of one batch, written one after another: each that writes more than one statement
// in a savepoint, so a refused one leaves no trace while the batch goes on; new records are
// queued and written several to one INSERT (records_insert.hpp). Statements are prepared once
// per batch.
class BatchRecords {
 public:
  static Result<BatchRecords> begin(sql::Connection& db, const Device& device, const std::string& batch_id,
                                    HlcClock& clock, const std::vector<Candidate>& candidates) {
    auto writer = RecordWriter::begin(db);
    if (!writer) return fail(writer.error());
    // Which records are new, asked for the whole batch at once rather than one record at a time.
    std::vector<std::string_view> ids;
    ids.reserve(candidates.size());
    for (const auto& c : candidates) {
      if (c.envelope) ids.push_back(c.envelope->id);
    }
    if (auto s = writer->probe(ids); !s) return fail(s.error());
    auto pulled = pulled_seq(db, device.id);
    if (!pulled) return fail(pulled.error());
    auto seen_before = last_visible_seq(db, device.centre, writer->last_seq());
    if (!seen_before) return fail(seen_before.error());
    auto erased = ErasureGuard::load(db, device.centre);
    if (!erased) return fail(erased.error());
    auto savepoint = db.prepare("SAVEPOINT record");
    auto release = db.prepare("RELEASE record");
    auto rollback = db.prepare("ROLLBACK TO record");
    if (!savepoint || !release || !rollback) {
      return fail(!savepoint ? savepoint.error() : !release ? release.error() : rollback.error());
    }
    return BatchRecords(db, device, batch_id, clock, std::move(*writer), *pulled, *seen_before, std::move(*erased),
                        std::move(*savepoint), std::move(*release), std::move(*rollback));
  }

  // The record's outcome (a refusal is kept for HQ); an error is a batch fault. A new record's
  // "applied" holds unless finish() names `index` (the candidate's place in the batch).
  Result<RecordOutcome> apply(Candidate& c, std::size_t index) {
    if (!c.envelope) {
      if (auto s = keep_refusal(db_, refusal_of(c, device_, c.rejection)); !s) return fail(s.error());
      return RecordOutcome{RecordStatus::Rejected, c.rejection, 0};
    }
    auto stored = writer_.load(c.envelope->id);
    if (!stored) return fail(stored.error());
    // A new record (but an account) is written by one INSERT after every check: if it fails,
    // SQLite undoes that statement, so it needs no savepoint of its own. A
    // savepoint copies every page the record touches into the sub-journal first.
    const bool guarded = stored->has_value() || c.envelope->kind == "counsellor";
    if (guarded) {
      // Queued records are written before the savepoint: a rollback to it must not undo them.
      if (auto s = writer_.flush(); !s) return fail(s.error());
      if (auto s = run(savepoint_); !s) return fail(s.error());
    }
    Result<RecordOutcome> outcome = fail("internal", "unprocessed");
    try {
      outcome = process(c, *stored, index);
    } catch (const std::exception&) {
      outcome = RecordOutcome{RecordStatus::Rejected, "the record could not be processed", 0};
    }
    if (!outcome && (outcome.error().code == "forbidden" || is_batch_fault(outcome.error()))) return outcome;
    if (!outcome) outcome = RecordOutcome{RecordStatus::Rejected, kConflictsWithStored, 0};
    if (outcome->status == RecordStatus::Rejected && guarded) {
      if (auto s = run(rollback_); !s) return fail(s.error());
      // A rolled-back write may have taken a sequence number; re-read so none is skipped. An
      // unguarded record is refused before its row is queued, so it took none.
      if (auto s = writer_.resync(); !s) return fail(s.error());
    }
    if (guarded) {
      if (auto s = run(release_); !s) return fail(s.error());
    }
    if (outcome->status == RecordStatus::Rejected) {
      auto kept = refusal_of(c, device_, outcome->error);
      // What was erased is not kept again as a refusal.
      if (is_erasure_refusal(outcome->error)) kept.payload = "{}";
      if (auto s = keep_refusal(db_, kept); !s) return fail(s.error());
    }
    return outcome;
  }

  // Writes the queued records; returns the indexes of those a constraint refused then (each
  // left nothing; its refusal is kept for HQ like any other).
  Result<std::vector<std::size_t>> finish(const std::vector<Candidate>& candidates) {
    if (auto s = writer_.flush(); !s) return fail(s.error());
    auto refused = writer_.take_refused();
    for (std::size_t index : refused) {
      if (auto s = keep_refusal(db_, refusal_of(candidates[index], device_, kConflictsWithStored)); !s) {
        return fail(s.error());
      }
    }
    return refused;
  }

  std::int64_t last_seq() const { return writer_.last_seq(); }
  std::int64_t seen_before() const { return seen_before_; }

 private:
  BatchRecords(sql::Connection& db, const Device& device, const std::string& batch_id, HlcClock& clock,
               RecordWriter writer, std::int64_t pulled, std::int64_t seen_before, ErasureGuard erased,
               sql::Statement savepoint, sql::Statement release, sql::Statement rollback)
      : db_(db), device_(device), batch_id_(batch_id), clock_(clock), writer_(std::move(writer)), pulled_(pulled),
        seen_before_(seen_before), erased_(std::move(erased)), savepoint_(std::move(savepoint)),
        release_(std::move(release)), rollback_(std::move(rollback)) {}

  static Status run(sql::Statement& st) {
    st.reset();
    return st.run();
  }
  static RecordOutcome refusal(std::string why) { return RecordOutcome{RecordStatus::Rejected, std::move(why), 0}; }

  Result<RecordOutcome> process(Candidate& c, std::optional<Envelope>& stored, std::size_t index) {
    Envelope& incoming = *c.envelope;
    if (stored && stored->centre != device_.centre) {
      return fail("forbidden", "the batch holds a record id that belongs to another centre; nothing was stored");
    }
    if (stored && stored->kind != incoming.kind) return refusal("id already belongs to a record of another kind");
    if (auto why = erased_.refusal(stored, c.payload.view(), c.erased_marker); !why.empty()) return refusal(std::move(why));
    if (auto seen = clock_.observe(incoming.version.hlc); !seen) return refusal(seen.error().message);
    if (!stored) return create(c, index);
    return merge_into(c, *stored);
  }

  Result<RecordOutcome> create(Candidate& c, std::size_t index) {
    Envelope& incoming = *c.envelope;
    if (auto why = authorship_refusal(incoming, nullptr, device_.id); !why.empty()) return refusal(why);
    if (auto why = tombstone_refusal(incoming, nullptr); !why.empty()) return refusal(why);
    if (incoming.kind == "counsellor") {
      auto taken = centre_has_device_account(db_, device_.centre);
      if (!taken) return fail(taken.error());
      if (auto why = account_refusal(incoming, nullptr, true, *taken); !why.empty()) return refusal(why);
      if (auto s = record_centre_setup(db_, incoming, device_.id); !s) return fail(s.error());
    }
    incoming.base_version.reset();
    if (incoming.kind == "counsellor") {
      auto seq = writer_.write_new(incoming, c.payload.view(), c.field_versions_text, c.derived);
      if (!seq) return fail(seq.error());
    } else if (auto s = writer_.queue_new(incoming, c.payload.view(), c.field_versions_text, c.derived, index); !s) {
      return fail(s.error());
    }
    return RecordOutcome{RecordStatus::Applied, "", 0};
  }

  Result<RecordOutcome> merge_into(Candidate& c, Envelope& stored) {
    Envelope& incoming = *c.envelope;
    auto held = load_history(db_, stored);  // a copy: the merge below needs the stored record
    if (!held) return fail(held.error());
    if (auto why = authorship_refusal(incoming, &*held, device_.id); !why.empty()) return refusal(why);
    if (auto why = tombstone_refusal(incoming, &stored); !why.empty()) return refusal(why);
    // What the writer had seen is the server's call: the client's claim is replaced.
    incoming.base_version = seen_version(incoming, *held, device_.id, pulled_);
    incoming.payload = json::parse(c.payload.view());
    expand_field_versions(incoming);  // the merge's inputs in full form, as the stored one is
    MergeOutcome m = merge(stored, incoming);
    if (incoming.kind == "counsellor") {
      if (auto why = account_refusal(incoming, &stored, m.changed || !m.conflicts.empty(), true); !why.empty()) {
        return refusal(why);
      }
    }
    if (!m.changed && m.conflicts.empty()) return RecordOutcome{RecordStatus::Duplicate, "", 0};
    if (m.changed) {
      auto seq = writer_.write(m.merged);
      if (!seq) return fail(seq.error());
    }
    if (auto s = log_conflicts(db_, m.merged, m.conflicts, batch_id_); !s) return fail(s.error());
    const bool as_sent = m.conflicts.empty() && m.merged.payload == incoming.payload &&
                         m.merged.deleted == incoming.deleted;
    return RecordOutcome{as_sent ? RecordStatus::Applied : RecordStatus::Merged, "",
                         static_cast<int>(m.conflicts.size())};
  }

  sql::Connection& db_;
  const Device& device_;
  const std::string& batch_id_;
  HlcClock& clock_;
  RecordWriter writer_;
  std::int64_t pulled_;
  std::int64_t seen_before_;
  ErasureGuard erased_;
  sql::Statement savepoint_, release_, rollback_;
};

}  // namespace

bool kiosk_may_push(const std::string& kind) {
  static const std::set<std::string> kinds = {"case",    "intake",      "counselling", "reintegration",
                                              "consent", "appointment", "counsellor"};
  return kinds.count(kind) > 0;
}

void Ingest::check_all(protocol::PushRequest& request, const std::string& device_centre,
                       std::vector<Candidate>& out) {
  const bool as_text = !request.record_texts.empty();
  // Fresh slots: check_text fills only the fields its path sets.
  out.clear();
  out.resize(as_text ? request.record_texts.size() : request.records.size());
  auto check_range = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      if (!as_text) {
        out[i] = check_record(request.records[i], device_centre, validator_);
        continue;
      }
      check_text(request.record_texts[i], device_centre, validator_, out[i]);
    }
  };
  // Parsing and checking are most of a push's CPU time and need no lock: a large batch uses an
  // idle core while the kiosk that sent it waits. Each half writes only its own slots.
  const std::size_t half = out.size() / 2;
  auto other = out.size() >= kParallelCheckMinRecords ? checkers_.try_hand_off([&] { check_range(half, out.size()); })
                                                       : std::nullopt;
  check_range(0, other ? half : out.size());
  if (other) other->wait();
}

// Lists in use at once: one a checking turn, a group being written and the next group waiting
// for the writer. Beyond that (rare), a push allocates its own.
Ingest::Ingest(Database& db, PayloadValidator& validator, HlcClock& clock, unsigned check_helpers)
    : db_(db), validator_(validator), clock_(clock), group_(db, kPushGroupMax), checkers_(check_helpers),
      turns_(check_helpers + 1), candidate_lists_(check_helpers + 1 + 2 * kPushGroupMax, protocol::kMaxBatchRecords) {}

Ingest::~Ingest() = default;

Result<PushReply> Ingest::push(const Device& device, const json& body) {
  json copy = body;
  return push(device, std::move(copy));
}

Result<PushReply> Ingest::push(const Device& device, json&& body) {
  auto request = protocol::parse_push_request(std::move(body));
  if (!request) return fail(request.error());
  return push(device, std::move(*request));
}

Result<PushReply> Ingest::push(const Device& device, protocol::PushRequest&& request, CheckTurns::Turn turn) {
  if (!turn.held()) turn = turns_.take();
  {
    auto lease = db_.acquire();
    if (!lease) return fail(lease.error());
    validator_.refresh(**lease);
  }
  // Parsing and validation run outside the write lock, in parallel across requests.
  auto list = candidate_lists_.lease();
  std::vector<Candidate>& candidates = *list;
  check_all(request, device.centre, candidates);
  for (const auto& c : candidates) {
    if (c.malformed_json) return fail("invalid_json", "the body is not valid JSON (or not valid UTF-8)");
  }
  // A device sending another centre's data is misbehaving, not making a typo: refuse it all.
  for (const auto& c : candidates) {
    if (c.foreign_centre) return fail("forbidden", "the batch holds a record of another centre; nothing was stored");
  }
  // The device id and every record's canonical line, hashed line by line: the batch's whole
  // canonical text (as large as the batch) was a quarter of the server's page faults.
  const std::string digest = batch_digest<ReplayDigest>(device.id, candidates);
  // Checked: the next batch in line may use this core while this one waits for the writer.
  turn.release();

  // The batch shares a transaction (and its fsync) with the batches other kiosks sent meanwhile;
  // if one of them fails, the group is rolled back and each batch written again alone, so the
  // write below must be repeatable: it reads the candidates and the database, and what it sets in
  // a candidate (base version, parsed payload) it sets again from the same inputs.
  PushReply reply;
  auto written = group_.run([&](sql::Connection& db) -> Status {
    auto r = write_batch(db, device, request.batch_id, candidates, digest);
    if (!r) return fail(r.error());
    reply = std::move(*r);
    return ok();
  });
  if (!written) return fail(written.error());
  return reply;
}

// One batch's writes, inside the group's transaction: the replay check, every record's merge
// result, the refusals, the batch log entry. Any error leaves it to the caller to roll back.
Result<PushReply> Ingest::write_batch(sql::Connection& db, const Device& device, const std::string& batch_id,
                                      std::vector<Candidate>& candidates, const std::string& digest) {
  {
    auto seen = db.prepare("SELECT device_id, digest, reply FROM batches WHERE batch_id = ?1");
    if (!seen) return fail(seen.error());
    seen->bind(1, batch_id);
    auto row = seen->step();
    if (!row) return fail(row.error());
    if (*row) {
      const std::string stored = seen->column_text(1);
      const bool same_batch = is_current_replay_digest(stored)
                                  ? stored == digest
                                  : stored == batch_digest<LegacyReplayDigest>(device.id, candidates);
      if (seen->column_text(0) != device.id || !same_batch) {
        return fail("batch_conflict", "this batch_id was already used for a different batch");
      }
      return PushReply{seen->column_text(2), true, {}};
    }
  }

  auto records = BatchRecords::begin(db, device, batch_id, clock_, candidates);
  if (!records) return fail(records.error());
  std::vector<RecordOutcome> outcomes;
  outcomes.reserve(candidates.size());
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    auto outcome = records->apply(candidates[i], i);
    if (!outcome) return fail(outcome.error());  // the caller rolls the whole batch back
    outcomes.push_back(std::move(*outcome));
  }
  auto late = records->finish(candidates);
  if (!late) return fail(late.error());
  for (std::size_t i : *late) outcomes[i] = RecordOutcome{RecordStatus::Rejected, kConflictsWithStored, 0};

  PushReply reply;
  protocol::PushResponse response;
  response.batch_id = batch_id;
  std::vector<std::string> accepted;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const Candidate& c = candidates[i];
    const RecordOutcome& outcome = outcomes[i];
    if (outcome.status != RecordStatus::Rejected) accepted.push_back(c.id);
    response.results.push_back({c.id, outcome.status, outcome.error});
    switch (outcome.status) {
      case RecordStatus::Applied: ++reply.counts.applied; break;
      case RecordStatus::Duplicate: ++reply.counts.duplicate; break;
      case RecordStatus::Merged: ++reply.counts.merged; break;
      case RecordStatus::Rejected: ++reply.counts.rejected; break;
    }
    reply.counts.conflicts += outcome.conflicts;
  }

  if (auto s = resolve_refusals(db, device.centre, accepted, unix_ms_now()); !s) return fail(s.error());
  response.cursor = std::to_string(records->last_seq());
  // Under the write lock nothing else writes: of the feed this device pulls, the changes after
  // cursor_from up to cursor are this batch alone.
  response.cursor_from = std::to_string(records->seen_before());
  reply.body = protocol::push_response_text(response);

  auto store = db.prepare(
      "INSERT INTO batches (batch_id, device_id, digest, reply, received_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!store) return fail(store.error());
  store->bind(1, batch_id).bind(2, device.id).bind(3, digest).bind(4, reply.body).bind(5, unix_ms_now());
  if (auto s = store->run(); !s) return fail(s.error());
  auto seen = db.prepare("UPDATE devices SET last_seen_at_ms = ?1 WHERE id = ?2");
  if (!seen) return fail(seen.error());
  seen->bind(1, unix_ms_now()).bind(2, device.id);
  if (auto s = seen->run(); !s) return fail(s.error());
  return reply;
}

}  // namespace ws::server
