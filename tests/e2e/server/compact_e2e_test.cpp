// Protocol 2's compact envelopes against the real server: protocol 1 kiosks (full envelopes, no
// or "1" protocol header) are still accepted and served exactly as before.
#include <doctest/doctest.h>

#include "tests/e2e/server/kiosk_sim.hpp"

using namespace ws;
using namespace ws::e2e;
using nlohmann::json;

namespace {

httplib::Headers with_protocol(const Kiosk& k, const char* version) {
  auto h = k.auth();
  if (version) h.emplace(protocol::kVersionHeader, version);
  return h;
}

json push_as(ServerProcess& server, const Kiosk& k, const char* version, const json& records) {
  auto c = server.client();
  auto res = c.Post(protocol::kRoutePush, with_protocol(k, version), batch(new_uuid_v7(), records), "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return json::parse(res->body);
}

json pull_as(ServerProcess& server, const Kiosk& k, const char* version) {
  auto c = server.client();
  auto res = c.Get(std::string(protocol::kRoutePull) + "?since=0&limit=1000", with_protocol(k, version));
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return json::parse(res->body);
}

// An intake as a kiosk store holds it: every field has its version.
Envelope intake(const std::string& id, const Version& v) {
  Envelope e;
  e.id = id;
  e.kind = "intake";
  e.centre = "OSLO";
  e.version = v;
  e.payload = {{"name", "Fictional Person"}, {"phone", "111"}, {"notes", "first"}};
  for (const auto& [field, _] : e.payload.items()) e.field_versions[field] = v;
  return e;
}

// The same edit of "phone" and "notes" on top of `seen`, stamped at `v`.
Envelope edited(const Envelope& seen, const Version& v, const char* notes) {
  Envelope e = seen;
  e.base_version = seen.version;
  e.version = v;
  e.payload["phone"] = "222";
  e.payload["notes"] = notes;
  e.field_versions["phone"] = v;
  e.field_versions["notes"] = v;
  return e;
}

json stored_row(const std::string& db, const std::string& id) {
  sql::OpenOptions o;
  o.read_only = true;
  auto conn = sql::Connection::open(db, o);
  REQUIRE(conn.has_value());
  auto st = conn->prepare("SELECT version, payload, field_versions FROM records WHERE id = ?1");
  REQUIRE(st.has_value());
  st->bind(1, id);
  REQUIRE(st->step().value());
  return {st->column_text(0), json::parse(st->column_text(1)), json::parse(st->column_text(2))};
}

}  // namespace

TEST_CASE("a protocol 1 push of full envelopes merges exactly as a protocol 2 push of compact ones") {
  TempDir dir;
  const auto db = dir.file("s.db");
  ServerProcess server(db, dir.file("server.log"));
  Kiosk a = enroll(db, server, "OSLO", "a");
  Kiosk b = enroll(db, server, "OSLO", "b");
  const std::string old_id = new_uuid_v7(), new_id = new_uuid_v7();
  const std::int64_t t = now_ms();
  // Kiosk a writes both records; kiosk b edits both concurrently, then a edits again.
  const auto first_old = intake(old_id, Version{Hlc{t, 0}, a.device_id});
  const auto first_new = intake(new_id, Version{Hlc{t, 0}, a.device_id});
  const auto first_sent = to_json(first_old);
  CHECK(first_sent["field_versions"].size() == 3);
  CHECK(to_json(first_new, EnvelopeForm::Compact)["field_versions"].empty());
  auto r1 = push_as(server, a, nullptr, json::array({first_sent}));
  auto r2 = push_as(server, a, "2", json::array({to_json(first_new, EnvelopeForm::Compact)}));
  CHECK(r1["results"][0]["status"] == r2["results"][0]["status"]);

  pull_as(server, b, "2");  // b has seen both, as a kiosk has before it edits
  const Version b_at{Hlc{t + 10, 0}, b.device_id}, a_at{Hlc{t + 20, 0}, a.device_id};
  for (const auto& [version, by, notes] : {std::tuple{b_at, &b, "by b"}, std::tuple{a_at, &a, "by a"}}) {
    auto old_edit = edited(first_old, version, notes), new_edit = edited(first_new, version, notes);
    auto old_reply = push_as(server, *by, "1", json::array({to_json(old_edit)}));
    auto new_reply = push_as(server, *by, "2", json::array({to_json(new_edit, EnvelopeForm::Compact)}));
    CAPTURE(notes);
    CHECK(old_reply["results"][0]["status"] == new_reply["results"][0]["status"]);
  }
  const json old_row = stored_row(db, old_id), new_row = stored_row(db, new_id);
  CHECK(old_row == new_row);
  CHECK(old_row[1]["notes"] == "by a");
  // Stored in compact form either way: only the field older than the record has an entry.
  CHECK(old_row[2] == json{{"name", first_old.version.to_string()}});
  CHECK(db_count(db, "SELECT COUNT(*) FROM conflicts WHERE record_id = '" + old_id + "'") ==
        db_count(db, "SELECT COUNT(*) FROM conflicts WHERE record_id = '" + new_id + "'"));
}

TEST_CASE("pull pages are compact for protocol 2 and full for protocol 1; other versions are refused") {
  TempDir dir;
  const auto db = dir.file("s.db");
  ServerProcess server(db, dir.file("server.log"));
  Kiosk k = enroll(db, server, "OSLO");
  const auto e = intake(new_uuid_v7(), Version{Hlc{now_ms(), 0}, k.device_id});
  push_as(server, k, "2", json::array({to_json(e, EnvelopeForm::Compact)}));

  const json compact = pull_as(server, k, "2");
  const json full = pull_as(server, k, "1");
  const json unnamed = pull_as(server, k, nullptr);
  CHECK(compact["records"][0]["field_versions"].empty());
  CHECK(full["records"][0]["field_versions"].size() == 3);
  CHECK(unnamed == full);
  auto from_compact = protocol::parse_pull_response(json(compact));
  auto from_full = protocol::parse_pull_response(json(full));
  REQUIRE(from_compact.has_value());
  REQUIRE(from_full.has_value());
  CHECK(from_compact->records[0].field_versions == from_full->records[0].field_versions);
  CHECK(from_compact->records[0].payload == e.payload);

  auto c = server.client();
  auto res = c.Get(std::string(protocol::kRoutePull) + "?since=0", with_protocol(k, "3"));
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(json::parse(res->body)["error"]["code"] == "protocol_version");
  CHECK(res->get_header_value(protocol::kVersionHeader) == "2");
}
