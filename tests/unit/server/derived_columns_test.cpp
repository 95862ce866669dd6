// A new record's stored version text and case columns are made on ingest's checking threads,
// before the write lock (records_insert.hpp, DerivedColumns); everything else the writer makes
// itself. Either way every row must hold what derive_columns makes from the row's own envelope
// and payload text: new records sent as text (checked on two threads), a record sent twice in
// one batch, merges whose result differs from what was pushed, replays, what HQ writes, erasure.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sync-server/core/erasure.hpp"
#include "sync-server/core/ingest.hpp"
#include "sync-server/core/retention.hpp"
#include "tests/unit/server/fixtures.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

std::string optional_text(const std::optional<std::string>& v) { return v ? *v : std::string("<null>"); }

std::string joined(const std::string& version, const CaseColumns& c) {
  std::string out = version;
  for (const auto* v : {&c.case_id, &c.number, &c.name, &c.name_native, &c.status, &c.counsellor, &c.opened,
                        &c.nationality}) {
    out += '|' + optional_text(*v);
  }
  return out;
}

// Rows whose version and case columns differ from derive_columns of their own envelope and
// payload; checks every row and returns how many it compared.
int check_every_row(Database& db) {
  auto lease = db.acquire();
  REQUIRE(lease.has_value());
  auto st = (*lease)->prepare(std::string("SELECT ") + kRecordColumns + ", " + kCaseColumnNames + " FROM records");
  REQUIRE(st.has_value());
  int rows = 0;
  while (st->step().value()) {
    ++rows;
    auto e = envelope_from_row(*st);
    REQUIRE(e.has_value());
    CaseColumns stored;
    std::optional<std::string>* slots[] = {&stored.case_id,    &stored.number,     &stored.name,
                                           &stored.name_native, &stored.status,     &stored.counsellor,
                                           &stored.opened,      &stored.nationality};
    for (int i = 0; i < kCaseColumnCount; ++i) *slots[i] = st->column_optional_text(9 + i);
    const DerivedColumns expected = derive_columns(*e, st->column_text(6));
    CHECK_MESSAGE(joined(st->column_text(3), stored) == joined(expected.version, expected.cases), e->kind);
  }
  return rows;
}

std::string column(Database& db, const std::string& name, const std::string& id) {
  auto lease = db.acquire();
  REQUIRE(lease.has_value());
  auto st = (*lease)->prepare("SELECT " + name + " FROM records WHERE id = ?1");
  REQUIRE(st.has_value());
  st->bind(1, id);
  REQUIRE(st->step().value());
  return st->is_null(0) ? std::string("<null>") : st->column_text(0);
}

struct TextPusher {
  TestDb t;
  AcceptingValidator validator;
  HlcClock clock;
  Ingest ingest{*t.db, validator, clock};
  Device oslo = enroll_device(*t.db, "OSLO", "oslo-1");
  Device bergen = enroll_device(*t.db, "OSLO", "oslo-2");

  // As the HTTP layer hands a body over: each record's text, parsed on the checking threads.
  PushReply push(const Device& d, const std::string& batch_id, const std::vector<json>& records) {
    std::vector<std::string> texts;
    for (const auto& r : records) texts.push_back(r.dump());
    protocol::PushRequest request;
    request.batch_id = batch_id;
    request.record_texts.assign(texts.begin(), texts.end());
    auto r = ingest.push(d, std::move(request));
    REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().message));
    return *r;
  }
};

}  // namespace

TEST_CASE("the row values made before the write lock are the ones the writer makes from what it writes") {
  TextPusher p;
  const auto t0 = now_ms();
  const std::string case_id = new_uuid_v7();
  const Version base = version_at(t0, p.oslo.id);
  std::vector<json> batch;
  // Escapes, non-ASCII, numbers, booleans and an object in the columns' members.
  batch.push_back(record_json(case_id, "case", "OSLO", base,
                              {{"case_number", 7},
                               {"name_latin", "Amina \"Nur\"\n\\Yusuf"},
                               {"name_native", "امینه یوسف"},
                               {"status", "open"},
                               {"counsellor", {{"id", "k1"}, {"since", 2026}}},
                               {"date_opened", true}}));
  // More than kParallelCheckMinRecords, so two threads check the batch.
  std::vector<std::string> intakes;
  for (int i = 0; i < 70; ++i) {
    intakes.push_back(new_uuid_v7());
    json answers = {{"_case_id", case_id}, {"nationality", i % 3 ? json("Somalia \u00e9") : json(nullptr)}};
    batch.push_back(record_json(intakes.back(), "intake", "OSLO", version_at(t0 + 1 + i, p.oslo.id), answers));
  }
  // The same record again in the batch: merged with the queued one, written from the merge.
  batch.push_back(record_json(intakes[5], "intake", "OSLO", version_at(t0 + 200, p.oslo.id),
                              {{"_case_id", case_id}, {"nationality", "Eritrea"}}, version_at(t0 + 6, p.oslo.id)));
  const std::string batch_id = new_uuid_v7();
  auto first = p.push(p.oslo, batch_id, batch);
  CHECK(first.counts.applied == 72);
  CHECK(column(*p.t.db, "case_nationality", intakes[5]) == "Eritrea");
  CHECK(column(*p.t.db, "case_name", case_id) == "Amina \"Nur\"\n\\Yusuf");
  CHECK(column(*p.t.db, "case_number", case_id) == "7");
  CHECK(check_every_row(*p.t.db) == 71);

  // A replay writes nothing and answers as before.
  auto again = p.push(p.oslo, batch_id, batch);
  CHECK(again.replay);
  CHECK(again.body == first.body);

  // Two kiosks edit the case from the same base: bergen's later status wins over oslo's, oslo's
  // name stays. The row must hold the merged status, not the pushed one.
  mark_pulled(*p.t.db, p.bergen);
  auto later = record_json(case_id, "case", "OSLO", version_at(t0 + 500, p.bergen.id),
                           {{"case_number", 7}, {"status", "closed"}}, base);
  later["field_versions"]["case_number"] = base.to_string();
  p.push(p.bergen, new_uuid_v7(), {later});
  auto earlier = record_json(case_id, "case", "OSLO", version_at(t0 + 300, p.oslo.id),
                             {{"case_number", 7}, {"name_latin", "Amina Yusuf"}, {"status", "decided"}}, base);
  earlier["field_versions"]["case_number"] = base.to_string();
  auto merged = p.push(p.oslo, new_uuid_v7(), {earlier});
  CHECK(merged.counts.merged == 1);
  CHECK(column(*p.t.db, "case_status", case_id) == "closed");
  CHECK(column(*p.t.db, "case_name", case_id) == "Amina Yusuf");
  CHECK(check_every_row(*p.t.db) == 71);

  // What HQ writes (a settings record) and an erasure's tombstones go through the same rule.
  REQUIRE(set_retention(*p.t.db, "OSLO", 30).has_value());
  REQUIRE(erase_case(*p.t.db, ErasureRequest{case_id, "consent withdrawn", "test"}).has_value());
  CHECK(column(*p.t.db, "case_name", case_id) == "<null>");
  CHECK(check_every_row(*p.t.db) >= 72);
}
