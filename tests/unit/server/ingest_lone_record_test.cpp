#include <doctest/doctest.h>

#include "sync-server/core/records.hpp"
#include "tests/unit/server/ingest_fixture.hpp"

// A new record is written without a savepoint of its own (ingest.cpp): what a refusal in the
// middle of a batch leaves, and the NUL check that now reads the payload's text.

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

// The results of a batch the server took.
struct Fixture : OsloIngest {
  json push(const json& records) { return OsloIngest::push(records)["results"]; }
};

}  // namespace

TEST_CASE("a new record refused between two applied ones leaves no row, no sequence gap and no count") {
  Fixture f;
  const auto now = version_at(unix_ms_now(), f.oslo.id);
  const auto ahead = version_at(unix_ms_now() + 3LL * 86400 * 1000, f.oslo.id);
  const auto r = f.push(json::array({record_json(new_uuid_v7(), "case", "OSLO", now, {{"x", 1}}),
                                     record_json(new_uuid_v7(), "case", "OSLO", ahead, {{"x", 2}}),
                                     record_json(new_uuid_v7(), "case", "OSLO", now, {{"x", 3}})}));
  REQUIRE(r.size() == 3);
  CHECK(r[0]["status"] == "applied");
  CHECK(r[1]["status"] == "rejected");
  CHECK(r[2]["status"] == "applied");
  CHECK(f.count("SELECT count(*) FROM records WHERE kind = 'case'") == 2);
  CHECK(f.count("SELECT MAX(seq) - MIN(seq) + 1 FROM records") == f.count("SELECT count(*) FROM records"));
  CHECK(f.count("SELECT SUM(received) FROM record_counts WHERE kind = 'case'") == 2);
  CHECK(f.count("SELECT count(*) FROM refused WHERE centre = 'OSLO'") == 1);
  CHECK(f.count("SELECT count(*) FROM case_index") == 2);
}

TEST_CASE("a NUL in a payload key or value is refused, an escaped backslash before u0000 is text") {
  Fixture f;
  const auto v = version_at(unix_ms_now(), f.oslo.id);
  const auto text_id = new_uuid_v7();
  const auto r = f.push(json::array({
      record_json(new_uuid_v7(), "case", "OSLO", v, {{std::string("k\0y", 3), "x"}}),
      record_json(new_uuid_v7(), "case", "OSLO", v, {{"note", std::string("\\\0", 2)}}),
      record_json(text_id, "case", "OSLO", v, {{"note", "C:\\u0000 and \\\\u0000"}}),
  }));
  REQUIRE(r.size() == 3);
  CHECK(r[0]["status"] == "rejected");
  CHECK(r[0]["error"].get<std::string>().find("NUL") != std::string::npos);
  CHECK(r[1]["status"] == "rejected");
  CHECK(r[1]["error"].get<std::string>().find("NUL") != std::string::npos);
  CHECK(r[2]["status"] == "applied");
  CHECK(stored_record(*f.t.db, text_id).payload["note"] == "C:\\u0000 and \\\\u0000");
}
