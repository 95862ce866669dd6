#include <doctest/doctest.h>

#include "sync-server/core/case_index.hpp"
#include "sync-server/core/erasure.hpp"
#include "sync-server/core/ingest.hpp"
#include "sync-server/core/schema.hpp"
#include "tests/unit/server/fixtures.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

struct SearchFixture {
  TestDb t;
  AcceptingValidator validator;
  HlcClock clock;
  Ingest ingest{*t.db, validator, clock};
  Device oslo = enroll_device(*t.db, "OSLO", "oslo-1");
  Device bergen = enroll_device(*t.db, "BERGEN", "bergen-1");

  std::string add_case(const Device& d, const json& answers) {
    const std::string id = new_uuid_v7();
    push(d, json::array({record_json(id, "case", d.centre, version_at(now_ms(), d.id), answers)}));
    return id;
  }
  void push(const Device& d, const json& records) {
    auto r = ingest.push(d, batch_json(new_uuid_v7(), records));
    REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().message));
  }
  CasePage search(const CaseQuery& q, const CentreScope& scope = CentreScope::every()) {
    auto page = search_cases(*t.db, scope, q);
    REQUIRE_MESSAGE(page.has_value(), (page.has_value() ? "" : page.error().message));
    return *page;
  }
  CasePage by_name(const std::string& q, const CentreScope& scope = CentreScope::every()) {
    CaseQuery query;
    query.q = q;
    return search(query, scope);
  }
};

json case_of(const std::string& number, const std::string& latin, const std::string& native,
             const std::string& status = "open") {
  return {{"case_number", number}, {"name_latin", latin}, {"name_native", native}, {"status", status}};
}

}  // namespace

TEST_CASE("case search finds Latin and own-script names however they are written") {
  SearchFixture f;
  const auto karimi = f.add_case(f.oslo, case_of("OSL-1", "Zahra Karimi", "زهرا کریمی"));
  const auto muller = f.add_case(f.oslo, case_of("OSL-2", "Jürgen Müller", ""));
  f.add_case(f.bergen, case_of("BGO-1", "Ali Rezai", "علی رضایی"));

  CHECK(f.by_name("karimi").cases.at(0).case_id == karimi);
  CHECK(f.by_name("ZAH").cases.at(0).case_id == karimi);    // a prefix, any case
  CHECK(f.by_name("كريمي").cases.at(0).case_id == karimi);  // Arabic letters find the Persian ones
  CHECK(f.by_name("muller").cases.at(0).case_id == muller);  // accents do not matter
  CHECK(f.by_name("karimi zahra").total == 1);
  CHECK(f.by_name("karimi rezai").total == 0);               // every word must match
  CHECK(f.by_name("osl-2").cases.at(0).case_id == muller);   // case numbers are words too
  CHECK(f.by_name("\"*( OR x").total == 0);                  // FTS5 syntax is read as words
}

TEST_CASE("case search filters, pages, sorts and holds the centre scope") {
  SearchFixture f;
  for (int i = 0; i < 7; ++i) {
    f.add_case(f.oslo, case_of("OSL-" + std::to_string(10 + i), "Person " + std::to_string(i), "",
                               i % 2 ? "closed" : "open"));
  }
  const auto bergen = f.add_case(f.bergen, case_of("BGO-1", "Person Bergen", ""));

  CaseQuery q;
  q.status = "closed";
  CHECK(f.search(q).total == 3);
  q = {};
  q.case_number = "osl-1";
  CHECK(f.search(q).total == 7);
  q.case_number = "OSL-16";
  CHECK(f.search(q).total == 1);

  q = {};
  q.sort = "case_number";
  q.order = "asc";
  q.per_page = 3;
  q.page = 2;
  auto page = f.search(q);
  CHECK(page.total == 8);
  REQUIRE(page.cases.size() == 3);
  CHECK(page.cases[0].case_number == "OSL-12");
  q.order = "desc";
  q.page = 1;
  CHECK(f.search(q).cases.at(0).case_number == "OSL-16");

  // A user scoped to Oslo never sees Bergen's case, even when asking for Bergen.
  const auto scope = CentreScope::only({"OSLO"});
  CHECK(f.by_name("bergen", scope).total == 0);
  q = {};
  q.centre = "BERGEN";
  CHECK(f.search(q, scope).total == 0);
  CHECK(f.search(q).cases.at(0).case_id == bergen);
  CHECK(f.search(CaseQuery{}, scope).total == 7);
  CHECK_FALSE(find_case(*f.t.db, scope, bergen)->has_value());
  CHECK(find_case(*f.t.db, CentreScope::every(), bergen)->has_value());

  q = {};
  q.sort = "payload";
  CHECK(search_cases(*f.t.db, CentreScope::every(), q).error().code == "invalid_request");
  q = {};
  q.from = "2026-1-1";
  CHECK(search_cases(*f.t.db, CentreScope::every(), q).error().code == "invalid_request");
}

TEST_CASE("the case index follows edits, takes the nationality from the intake, and forgets erased cases") {
  SearchFixture f;
  const auto id = f.add_case(f.oslo, case_of("OSL-5", "Amina Yusuf", "امینه یوسف"));
  f.push(f.oslo, json::array({record_json(new_uuid_v7(), "intake", "OSLO", version_at(now_ms(), f.oslo.id),
                                          {{"_case_id", id}, {"nationality", "Somalia"}})}));
  CaseQuery q;
  q.nationality = "Somalia";
  CHECK(f.search(q).total == 1);
  f.push(f.oslo, json::array({record_json(id, "case", "OSLO", version_at(now_ms() + 5, f.oslo.id),
                                          case_of("OSL-5", "Amina Yusuf", "امینه یوسف", "closed"))}));
  CHECK(f.search(q).cases.at(0).status == "closed");

  auto erased = erase_case(*f.t.db, ErasureRequest{id, "consent withdrawn", "test"});
  REQUIRE(erased.has_value());
  CHECK(f.by_name("amina").total == 0);
  CHECK(f.by_name("یوسف").total == 0);
  CHECK(db_count(*f.t.db, "SELECT count(*) FROM case_index") == 0);
  CHECK(db_count(*f.t.db, "SELECT count(*) FROM case_index_fts") == 0);
}

TEST_CASE("case search folds digits and ae, and migration 10 folds an older index again") {
  SearchFixture f;
  // A Sorani spelling with ae (U+06D5) and a case number typed with Persian digits.
  const auto hejar = f.add_case(f.oslo, case_of("OSL-\u06F1\u06F2", "Hejar Aziz", "\u0647\u06D5\u0698\u0627\u0631"));
  CHECK(f.by_name("\u0647\u0647\u0698\u0627\u0631").cases.at(0).case_id == hejar);
  CHECK(f.by_name("osl-12").cases.at(0).case_id == hejar);

  {  // An index folded by an older rule, in a file at schema 9: the migration folds it again.
    auto lease = f.t.db->acquire();
    REQUIRE(lease.has_value());
    REQUIRE((*lease)->exec("UPDATE case_index_fts SET text = 'stale'; PRAGMA user_version = 9"));
    CHECK(f.by_name("hejar").total == 0);
    REQUIRE(migrate_to(**lease, 10));  // migration 10 alone: the later ones are not made to run twice
  }
  CHECK(f.by_name("hejar").cases.at(0).case_id == hejar);
  CHECK(f.by_name("osl-12").cases.at(0).case_id == hejar);
}
