#include <doctest/doctest.h>

#include <map>
#include <set>

#include "sync-server/core/feed.hpp"
#include "sync-server/core/ingest.hpp"
#include "sync-server/core/publish.hpp"
#include "sync-server/core/records.hpp"
#include "tests/unit/server/fixtures.hpp"
#include "ws/protocol.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

struct FeedFixture {
  TestDb t;
  AcceptingValidator validator;
  HlcClock clock;
  Ingest ingest{*t.db, validator, clock};

  void push(const Device& d, const json& records) {
    auto r = ingest.push(d, batch_json(new_uuid_v7(), records));
    REQUIRE(r.has_value());
  }
  protocol::PullResponse page(const std::string& centre, std::int64_t since, int limit) {
    auto body = pull(*t.db, centre, PullQuery{since, limit});
    REQUIRE(body.has_value());
    auto parsed = protocol::parse_pull_response(json::parse(*body));
    REQUIRE(parsed.has_value());
    return *parsed;
  }
};

}  // namespace

TEST_CASE("pull pages return every change once, in order, also when records change between pages") {
  FeedFixture f;
  Device oslo = enroll_device(*f.t.db, "OSLO");
  const auto t0 = now_ms();
  std::vector<std::string> ids;
  json first = json::array();
  for (int i = 0; i < 25; ++i) {
    ids.push_back(new_uuid_v7());
    first.push_back(record_json(ids.back(), "case", "OSLO", version_at(t0, oslo.id), {{"n", i}}));
  }
  f.push(oslo, first);

  std::map<std::string, int> seen_latest;
  std::int64_t cursor = 0;
  int pages = 0;
  std::set<std::int64_t> cursors;
  bool edited = false;
  for (;;) {
    auto page = f.page("OSLO", cursor, 7);
    ++pages;
    for (const auto& e : page.records) seen_latest[e.id] = e.payload["n"].get<int>();
    const auto next = std::stoll(page.cursor);
    CHECK(next >= cursor);
    CHECK(cursors.insert(next).second);
    cursor = next;
    if (!edited) {
      // An edit after the first page moves that record to the end of the feed: seen again, once.
      edited = true;
      f.push(oslo, json::array({record_json(ids[0], "case", "OSLO", version_at(t0 + 1, oslo.id), {{"n", 100}})}));
    }
    if (!page.more) break;
  }
  CHECK(seen_latest.size() == 25);
  CHECK(seen_latest[ids[0]] == 100);
  CHECK(pages == 4);  // 26 changes, 7 per page
  CHECK(f.page("OSLO", cursor, 7).records.empty());
  CHECK(f.page("OSLO", cursor, 7).cursor == std::to_string(cursor));
}

TEST_CASE("pull serves only the device's centre plus what HQ published to every centre") {
  FeedFixture f;
  Device oslo = enroll_device(*f.t.db, "OSLO");
  Device bergen = enroll_device(*f.t.db, "BERGEN");
  const auto t0 = now_ms();
  f.push(oslo, json::array({record_json(new_uuid_v7(), "case", "OSLO", version_at(t0, oslo.id), {{"n", 1}})}));
  f.push(bergen, json::array({record_json(new_uuid_v7(), "case", "BERGEN", version_at(t0, bergen.id), {{"n", 2}})}));
  REQUIRE(publish(*f.t.db, "form", json{{"id", "intake"}, {"version", 2}}, "").has_value());
  REQUIRE(publish(*f.t.db, "content", json{{"bundle", "info"}, {"version", 1}}, "BERGEN").has_value());
  f.push(oslo, json::array({record_json(new_uuid_v7(), "intake", "OSLO", version_at(t0, oslo.id), {{"n", 3}})}));

  auto page = f.page("OSLO", 0, 1000);
  std::vector<std::string> kinds;
  for (const auto& e : page.records) {
    CHECK((e.centre == "OSLO" || e.centre == kAllCentres));
    kinds.push_back(e.kind);
  }
  CHECK(kinds == std::vector<std::string>{"case", "form", "intake"});
  CHECK_FALSE(page.more);

  // Paging one at a time interleaves both scopes in sequence order, each exactly once.
  std::vector<std::string> one_by_one;
  std::int64_t cursor = 0;
  for (;;) {
    auto p = f.page("OSLO", cursor, 1);
    for (const auto& e : p.records) one_by_one.push_back(e.kind);
    cursor = std::stoll(p.cursor);
    if (!p.more) break;
  }
  CHECK(one_by_one == kinds);
  CHECK(f.page("BERGEN", 0, 1000).records.size() == 3);
}

TEST_CASE("pull query parameters are validated") {
  const std::string good = "12", bad = "-1", word = "abc", zero = "0", huge = "5001", max = "5000";
  CHECK(parse_pull_query(nullptr, nullptr).has_value());
  CHECK(parse_pull_query(&good, &max)->since == 12);
  CHECK(parse_pull_query(&good, &max)->limit == kMaxPullLimit);
  CHECK(parse_pull_query(nullptr, nullptr)->limit == kDefaultPullLimit);
  CHECK_FALSE(parse_pull_query(&bad, nullptr).has_value());
  CHECK_FALSE(parse_pull_query(&word, nullptr).has_value());
  CHECK_FALSE(parse_pull_query(nullptr, &zero).has_value());
  CHECK_FALSE(parse_pull_query(nullptr, &huge).has_value());
  CHECK(parse_pull_query(&bad, nullptr).error().code == "invalid_request");
}
