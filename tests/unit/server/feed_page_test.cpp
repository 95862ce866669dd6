// The pull page written straight into its reply (sync-server/core/feed.cpp): the byte bound
// ends a page before the record that would cross it, and that record starts the next page.
#include <doctest/doctest.h>

#include <set>

#include "sync-server/core/feed.hpp"
#include "sync-server/core/ingest.hpp"
#include "tests/unit/server/fixtures.hpp"
#include "ws/protocol.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

TEST_CASE("a page stops before the record that would take it past its byte bound") {
  TestDb t;
  AcceptingValidator validator;
  HlcClock clock;
  Ingest ingest{*t.db, validator, clock};
  Device oslo = enroll_device(*t.db, "OSLO");
  const auto t0 = now_ms();
  // 44 records of ~200 KB: 8.8 MB, more than the 8 MiB one page may hold.
  const std::string filler(200'000, 'x');
  std::vector<std::string> ids;
  for (int batch = 0; batch < 4; ++batch) {
    json records = json::array();
    for (int i = 0; i < 11; ++i) {
      ids.push_back(new_uuid_v7());
      records.push_back(record_json(ids.back(), "case", "OSLO", version_at(t0, oslo.id), {{"notes", filler}}));
    }
    REQUIRE(ingest.push(oslo, batch_json(new_uuid_v7(), records)));
  }

  std::set<std::string> seen;
  std::int64_t cursor = 0;
  int pages = 0;
  for (bool more = true; more; ++pages) {
    std::int64_t delivered = -1;
    auto body = pull(*t.db, "OSLO", PullQuery{cursor, protocol::kMaxPullLimit}, &delivered);
    REQUIRE(body);
    CHECK(body->size() < kMaxPullPageBytes + 4096);
    auto page = protocol::parse_pull_response(json::parse(*body));
    REQUIRE(page);
    REQUIRE_FALSE(page->records.empty());
    for (const auto& e : page->records) CHECK(seen.insert(e.id).second);
    CHECK(std::to_string(delivered) == page->cursor);
    cursor = std::stoll(page->cursor);
    more = page->more;
  }
  CHECK(pages == 2);
  CHECK(seen.size() == ids.size());
}
