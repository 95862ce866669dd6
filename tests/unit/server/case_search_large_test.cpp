// Case search over a match set too large to read whole: a name search alone is counted exactly in
// the FTS5 index, other counts stop at 10,000 (`total_capped`), and a page of a large set walks
// the sort's index yet comes out in the same order as a small set's sorted page.
#include <doctest/doctest.h>

#include <algorithm>

#include "sync-server/core/case_index.hpp"
#include "tests/unit/server/fixtures.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;

namespace {

constexpr int kCases = 10'050;

// Index rows written straight into the index (the read side is under test; ingest fills the
// same tables through its triggers, as case_search_test shows). Every third case is "Zahra".
void fill_index(Database& db) {
  auto w = WriteScope::begin(db);
  REQUIRE(w.has_value());
  auto row = w->conn().prepare(
      "INSERT INTO case_index (case_id, centre, case_number, name, name_native, status, counsellor, nationality,"
      " opened, updated_at_ms) VALUES (?1, ?2, ?3, ?4, '', 'open', '', ?5, '2026-01-01', ?6)");
  REQUIRE(row.has_value());
  for (int i = 0; i < kCases; ++i) {
    row->reset();
    const std::string name = i % 3 == 0 ? "Zahra Karimi" : "Omar Haidari";
    row->bind(1, "case-" + std::to_string(100000 + i))
        .bind(2, i % 2 ? "OSLO" : "BERGEN")
        .bind(3, "OSL-" + std::to_string(i))
        .bind(4, name)
        .bind(5, i % 5 == 0 ? "Eritrea" : "Afghanistan")
        .bind(6, static_cast<std::int64_t>(1000 + i / 7));  // ties, broken by case_id
    REQUIRE(row->run().has_value());
  }
  REQUIRE(w->conn().exec("INSERT INTO case_index_fts (rowid, text) SELECT rowid, ws_fold(name || ' ' || case_number)"
                         " FROM case_index").has_value());
  REQUIRE(w->commit().has_value());
}

CasePage search(Database& db, const CaseQuery& q) {
  auto page = search_cases(db, CentreScope::every(), q);
  REQUIRE_MESSAGE(page.has_value(), (page.has_value() ? "" : page.error().message));
  return *page;
}

}  // namespace

TEST_CASE("case search: exact counts for a name alone, capped counts otherwise, pages in sort order") {
  TestDb t;
  fill_index(*t.db);
  CaseQuery everyone;
  everyone.q = "omar";
  CasePage page = search(*t.db, everyone);
  CHECK(page.total == kCases - (kCases + 2) / 3);
  CHECK_FALSE(page.total_capped);

  CaseQuery all_open;
  all_open.status = "open";
  page = search(*t.db, all_open);
  CHECK(page.total == 10'000);
  CHECK(page.total_capped);
  CHECK(to_json(page)["total_capped"] == true);

  // A large set (its sort index walked) and a small one (its matches sorted) both come out in
  // the order asked for, ties broken by case id.
  for (const bool large : {true, false}) {
    CAPTURE(large);
    CaseQuery zahra;
    zahra.q = "zahra";
    if (!large) zahra.nationality = "Eritrea";
    zahra.page = 3;
    zahra.per_page = 20;
    page = search(*t.db, zahra);
    const int step = large ? 3 : 15;
    CHECK(page.total == (kCases + step - 1) / step);
    std::vector<std::pair<std::int64_t, std::string>> expected;
    for (int i = 0; i < kCases; i += step) expected.emplace_back(1000 + i / 7, "case-" + std::to_string(100000 + i));
    std::sort(expected.rbegin(), expected.rend());
    REQUIRE(page.cases.size() == 20);
    for (std::size_t k = 0; k < page.cases.size(); ++k) {
      CHECK(page.cases[k].case_id == expected[40 + k].second);
      CHECK(page.cases[k].updated_at_ms == expected[40 + k].first);
    }
  }

  CaseQuery by_name;
  by_name.q = "zahra";
  by_name.sort = "name";
  by_name.order = "asc";
  page = search(*t.db, by_name);
  REQUIRE(page.cases.size() == 50);
  for (std::size_t k = 1; k < page.cases.size(); ++k) CHECK(page.cases[k - 1].case_id < page.cases[k].case_id);
}
