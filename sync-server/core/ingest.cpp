#include "sync-server/core/ingest.hpp"

#include <optional>
#include <set>
#include <vector>

#include "sync-server/core/records.hpp"
#include "ws/crypto.hpp"
#include "ws/envelope.hpp"
#include "ws/merge.hpp"
#include "ws/protocol.hpp"

namespace ws::server {
namespace {

using nlohmann::json;
using protocol::RecordStatus;

struct Candidate {
  std::string id;  // echoed in the result even when the record is unreadable
  std::optional<Envelope> envelope;
  std::string rejection;
};

std::string echo_id(const json& raw) {
  if (raw.is_object()) {
    auto it = raw.find("id");
    if (it != raw.end() && it->is_string() && it->get_ref<const std::string&>().size() <= 64) {
      return it->get<std::string>();
    }
  }
  return "";
}

bool contains_nul(const json& root) {
  std::vector<const json*> todo{&root};
  while (!todo.empty()) {
    const json* node = todo.back();
    todo.pop_back();
    if (node->is_string()) {
      if (node->get_ref<const std::string&>().find('\0') != std::string::npos) return true;
    } else if (node->is_object()) {
      for (const auto& [key, child] : node->items()) {
        if (key.find('\0') != std::string::npos) return true;
        todo.push_back(&child);
      }
    } else if (node->is_array()) {
      for (const auto& child : *node) todo.push_back(&child);
    }
  }
  return false;
}

// Counsellor accounts have no form definition; their shape is the server's own rule.
std::string counsellor_problem(const json& p) {
  for (const auto& [key, _] : p.items()) {
    if (key != "name" && key != "role" && key != "pin_hash" && key != "active" && key.rfind('_', 0) != 0) {
      return "field '" + key + "': unknown field";
    }
  }
  auto name = p.find("name");
  if (name == p.end() || !name->is_string() || name->get_ref<const std::string&>().empty() ||
      name->get_ref<const std::string&>().size() > 128) {
    return "field 'name': must be a string of 1-128 characters";
  }
  auto role = p.find("role");
  if (role == p.end() || !role->is_string() || (*role != "counsellor" && *role != "admin")) {
    return "field 'role': must be 'counsellor' or 'admin'";
  }
  auto hash = p.find("pin_hash");
  if (hash == p.end() || !hash->is_string() || hash->get_ref<const std::string&>().rfind("$argon2id$", 0) != 0 ||
      hash->get_ref<const std::string&>().size() > 256) {
    return "field 'pin_hash': must be an Argon2id hash string";
  }
  auto active = p.find("active");
  if (active == p.end() || !active->is_boolean()) return "field 'active': must be true or false";
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

Candidate check_record(const json& raw, const PayloadValidator& validator) {
  Candidate c{echo_id(raw), std::nullopt, ""};
  auto e = envelope_from_json(raw);
  if (!e) {
    c.rejection = e.error().message;
    return c;
  }
  if (e->kind == "form" || e->kind == "content") {
    c.rejection = "kind '" + e->kind + "' is published by HQ; kiosks may not push it";
    return c;
  }
  if (!kiosk_may_push(e->kind)) {
    c.rejection = "unknown kind '" + e->kind + "'";
    return c;
  }
  if (contains_nul(e->payload)) {
    c.rejection = "payload contains a NUL character";
    return c;
  }
  // A tombstone must be accepted whatever its last payload looked like, or a bad record could
  // never be deleted.
  if (!e->deleted) {
    if (e->kind == "counsellor") {
      c.rejection = counsellor_problem(e->payload);
    } else {
      c.rejection = describe(validator.validate(e->kind, e->schema_version, e->payload));
    }
    if (!c.rejection.empty()) return c;
  }
  c.envelope = std::move(*e);
  return c;
}

bool is_batch_fault(const Error& e) { return e.code != "constraint"; }

struct RecordOutcome {
  RecordStatus status = RecordStatus::Applied;
  std::string error;
  int conflicts = 0;
};

}  // namespace

bool kiosk_may_push(const std::string& kind) {
  static const std::set<std::string> kinds = {"case",    "intake",      "counselling", "reintegration",
                                              "consent", "appointment", "counsellor"};
  return kinds.count(kind) > 0;
}

Result<PushReply> Ingest::push(const Device& device, const json& body) {
  auto request = protocol::parse_push_request(body);
  if (!request) return fail(request.error());

  // A device sending another centre's data is misbehaving, not making a typo: refuse it all.
  for (const auto& raw : request->records) {
    if (!raw.is_object()) continue;
    auto c = raw.find("centre");
    if (c != raw.end() && c->is_string() && c->get_ref<const std::string&>() != device.centre) {
      return fail("forbidden", "the batch holds a record of another centre; nothing was stored");
    }
  }

  {
    auto lease = db_.acquire();
    if (!lease) return fail(lease.error());
    validator_.refresh(**lease);
  }
  // Parsing and validation run outside the write lock, in parallel across requests.
  std::vector<Candidate> candidates;
  candidates.reserve(request->records.size());
  for (const auto& raw : request->records) candidates.push_back(check_record(raw, validator_));

  std::string canonical = device.id;
  for (const auto& raw : request->records) canonical += "\n" + raw.dump();
  const std::string digest = crypto::token_digest(canonical);

  auto w = WriteScope::begin(db_);
  if (!w) return fail(w.error());
  auto& db = w->conn();

  {
    auto seen = db.prepare("SELECT device_id, digest, reply FROM batches WHERE batch_id = ?1");
    if (!seen) return fail(seen.error());
    seen->bind(1, request->batch_id);
    auto row = seen->step();
    if (!row) return fail(row.error());
    if (*row) {
      if (seen->column_text(0) != device.id || seen->column_text(1) != digest) {
        return fail("batch_conflict", "this batch_id was already used for a different batch");
      }
      return PushReply{seen->column_text(2), true, {}};
    }
  }

  auto writer = RecordWriter::begin(db);
  if (!writer) return fail(writer.error());

  PushReply reply;
  protocol::PushResponse response;
  response.batch_id = request->batch_id;

  for (auto& c : candidates) {
    if (!c.envelope) {
      response.results.push_back({c.id, RecordStatus::Rejected, c.rejection});
      ++reply.counts.rejected;
      continue;
    }
    Envelope& incoming = *c.envelope;
    if (auto s = db.exec("SAVEPOINT record"); !s) return fail(s.error());
    auto process = [&]() -> Result<RecordOutcome> {
      auto stored = writer->load(incoming.id);
      if (!stored) return fail(stored.error());
      if (*stored && (*stored)->centre != device.centre) {
        return fail("forbidden", "the batch holds a record id that belongs to another centre; nothing was stored");
      }
      if (*stored && (*stored)->kind != incoming.kind) {
        return RecordOutcome{RecordStatus::Rejected, "id already belongs to a record of another kind", 0};
      }
      if (auto seen = clock_.observe(incoming.version.hlc); !seen) {
        return RecordOutcome{RecordStatus::Rejected, seen.error().message, 0};
      }
      if (!*stored) {
        incoming.base_version.reset();
        auto seq = writer->write(incoming);
        if (!seq) return fail(seq.error());
        return RecordOutcome{RecordStatus::Applied, "", 0};
      }
      MergeOutcome m = merge(**stored, incoming);
      if (!m.changed && m.conflicts.empty()) return RecordOutcome{RecordStatus::Duplicate, "", 0};
      if (m.changed) {
        auto seq = writer->write(m.merged);
        if (!seq) return fail(seq.error());
      }
      if (auto s = log_conflicts(db, m.merged, m.conflicts, request->batch_id); !s) return fail(s.error());
      const bool as_sent = m.conflicts.empty() && m.merged.payload == incoming.payload &&
                           m.merged.deleted == incoming.deleted;
      return RecordOutcome{as_sent ? RecordStatus::Applied : RecordStatus::Merged, "",
                           static_cast<int>(m.conflicts.size())};
    };
    Result<RecordOutcome> outcome = fail("internal", "unprocessed");
    try {
      outcome = process();
    } catch (const std::exception&) {
      outcome = RecordOutcome{RecordStatus::Rejected, "the record could not be processed", 0};
    }
    if (!outcome && (outcome.error().code == "forbidden" || is_batch_fault(outcome.error()))) {
      return fail(outcome.error());  // the scope rolls the whole batch back
    }
    if (!outcome) outcome = RecordOutcome{RecordStatus::Rejected, "the record conflicts with stored data", 0};
    if (outcome->status == RecordStatus::Rejected) {
      if (auto s = db.exec("ROLLBACK TO record"); !s) return fail(s.error());
      // A rolled-back write may have taken a sequence number; re-read so none is skipped.
      writer = RecordWriter::begin(db);
      if (!writer) return fail(writer.error());
    }
    if (auto s = db.exec("RELEASE record"); !s) return fail(s.error());

    response.results.push_back({c.id, outcome->status, outcome->error});
    switch (outcome->status) {
      case RecordStatus::Applied: ++reply.counts.applied; break;
      case RecordStatus::Duplicate: ++reply.counts.duplicate; break;
      case RecordStatus::Merged: ++reply.counts.merged; break;
      case RecordStatus::Rejected: ++reply.counts.rejected; break;
    }
    reply.counts.conflicts += outcome->conflicts;
  }

  response.cursor = std::to_string(writer->last_seq());
  reply.body = protocol::to_json(response).dump();

  auto store = db.prepare(
      "INSERT INTO batches (batch_id, device_id, digest, reply, received_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!store) return fail(store.error());
  store->bind(1, request->batch_id).bind(2, device.id).bind(3, digest).bind(4, reply.body).bind(5, unix_ms_now());
  if (auto s = store->run(); !s) return fail(s.error());
  auto seen = db.prepare("UPDATE devices SET last_seen_at_ms = ?1 WHERE id = ?2");
  if (!seen) return fail(seen.error());
  seen->bind(1, unix_ms_now()).bind(2, device.id);
  if (auto s = seen->run(); !s) return fail(s.error());
  // synchronous=FULL: the commit returns after the WAL is fsynced, before we reply.
  if (auto s = w->commit(); !s) return fail(s.error());
  return reply;
}

}  // namespace ws::server
