#include <doctest/doctest.h>

#include "sync-server/core/feed.hpp"
#include "sync-server/core/publish.hpp"
#include "sync-server/core/records.hpp"
#include "tests/unit/server/fixtures.hpp"
#include "ws/crypto.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

Envelope load(Database& db, const std::string& id) {
  auto lease = db.acquire();
  REQUIRE(lease.has_value());
  auto e = load_record(**lease, id);
  REQUIRE(e.has_value());
  REQUIRE(e->has_value());
  return **e;
}

}  // namespace

TEST_CASE("a published form keeps one record id per form and scope and a new version replaces it") {
  TestDb t;
  auto v1 = publish(*t.db, "form", json{{"id", "intake"}, {"version", 1}, {"old_field", true}}, "");
  REQUIRE(v1.has_value());
  CHECK(v1->changed);
  CHECK(v1->centre == kAllCentres);
  CHECK(is_uuid(v1->record_id));

  auto same = publish(*t.db, "form", json{{"id", "intake"}, {"version", 1}, {"old_field", true}}, "");
  REQUIRE(same.has_value());
  CHECK_FALSE(same->changed);
  CHECK(same->record_id == v1->record_id);

  auto v2 = publish(*t.db, "form", json{{"id", "intake"}, {"version", 2}}, "");
  REQUIRE(v2.has_value());
  CHECK(v2->record_id == v1->record_id);
  CHECK(v2->seq > v1->seq);
  auto e = load(*t.db, v2->record_id);
  CHECK(e.schema_version == 2);
  CHECK_FALSE(e.payload.contains("old_field"));
  CHECK(e.version.device == kServerDevice);

  auto local = publish(*t.db, "form", json{{"id", "intake"}, {"version", 2}}, "OSLO");
  REQUIRE(local.has_value());
  CHECK(local->record_id != v1->record_id);
  CHECK(local->record_id == published_record_id("form", "intake", "OSLO"));
}

TEST_CASE("publish refuses what kiosks would refuse") {
  TestDb t;
  CHECK(publish(*t.db, "case", json{{"id", "x"}}, "").error().code == "invalid_request");
  CHECK_FALSE(publish(*t.db, "form", json::array(), "").has_value());
  CHECK_FALSE(publish(*t.db, "form", json{{"version", 1}}, "").has_value());
  CHECK_FALSE(publish(*t.db, "form", json{{"id", "Bad Id"}}, "").has_value());
  CHECK_FALSE(publish(*t.db, "form", json{{"id", "x"}, {"version", "2"}}, "").has_value());
  CHECK_FALSE(publish(*t.db, "content", json{{"id", "x"}}, "").has_value());  // bundles name themselves "bundle"
  CHECK_FALSE(publish(*t.db, "form", json{{"id", "x"}}, "bad centre").has_value());
  CHECK_FALSE(publish(*t.db, "form", json{{"id", "x"}, {"big", std::string(300 * 1024, 'a')}}, "").has_value());
  auto refused = publish(*t.db, "form", json{{"id", "x"}}, "", [](const std::string&, const json&) -> Status {
    return fail("invalid_definition", "field 'q1': unknown type");
  });
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().message.find("q1") != std::string::npos);
  auto lease = t.db->acquire();
  REQUIRE(lease.has_value());
  CHECK(current_seq(**lease).value() == 0);
}

TEST_CASE("counsellor accounts: Argon2id hash, pulled by their centre, disabled by a newer version") {
  TestDb t;
  auto added = add_counsellor(*t.db, "OSLO", "Kari", "counsellor", "482100");
  REQUIRE(added.has_value());
  auto e = load(*t.db, added->id);
  CHECK(e.kind == "counsellor");
  CHECK(e.payload["name"] == "Kari");
  CHECK(e.payload["active"] == true);
  const auto hash = e.payload["pin_hash"].get<std::string>();
  CHECK(hash.rfind("$argon2id$", 0) == 0);
  CHECK(crypto::verify_password(hash, "482100"));
  CHECK_FALSE(crypto::verify_password(hash, "4822"));

  auto page = pull(*t.db, "OSLO", PullQuery{0, 100});
  REQUIRE(page.has_value());
  CHECK(page->find(added->id) != std::string::npos);
  CHECK(pull(*t.db, "BERGEN", PullQuery{0, 100})->find(added->id) == std::string::npos);

  REQUIRE(disable_counsellor(*t.db, added->id).has_value());
  auto after = load(*t.db, added->id);
  CHECK(after.payload["active"] == false);
  CHECK(after.field_version("active") > e.field_version("active"));
  CHECK(after.payload["pin_hash"] == hash);

  CHECK(disable_counsellor(*t.db, new_uuid_v7()).error().code == "not_found");
  CHECK_FALSE(add_counsellor(*t.db, "OSLO", "X", "boss", "482100").has_value());
  CHECK_FALSE(add_counsellor(*t.db, "OSLO", "X", "admin", "12").has_value());
  CHECK_FALSE(add_counsellor(*t.db, "OSLO", "", "admin", "123456").has_value());
}
