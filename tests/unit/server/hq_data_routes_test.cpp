// The HQ console's read side over HTTP against the real server core: a user scoped to one
// centre never sees another centre's case in lists, details, search, data quality or exports.
#include "sync-server/core/ingest.hpp"
#include "sync-server/core/payload_validator.hpp"
#include "tests/support/records.hpp"
#include "tests/unit/server/hq_fixture.hpp"
#include "ws/ids.hpp"

namespace ws::server::hq::test {
namespace {

using nlohmann::json;

struct Seeded {
  std::string oslo_case, bergen_case;
};

// Two centres with one case each (Bergen's with an Arabic-script name) and a refused record.
Seeded seed(HqServer& server) {
  AcceptingValidator accepting;
  HlcClock clock;
  Ingest ingest(server.db(), accepting, clock);
  DeviceRegistry devices(server.db());
  Seeded s{new_uuid_v7(), new_uuid_v7()};
  for (const auto& [centre, id, name] : {std::tuple{"OSLO", s.oslo_case, "نور احمدی"}, std::tuple{"BERGEN", s.bergen_case, "زهرا کریمی"}}) {
    auto code = devices.create_code(centre, 60'000);
    REQUIRE(code);
    auto device = devices.enroll(code->code, std::string("kiosk-") + centre);
    REQUIRE(device);
    const Version v{Hlc{HlcClock::system_wall_ms(), 0}, device->device.id};
    json c = ws::test::case_answers(1);
    c["name_native"] = name;
    json records = json::array({ws::test::record_json(id, "case", centre, v, c),
                                ws::test::record_json(new_uuid_v7(), "intake", centre, v, {{"_case_id", id}}),
                                ws::test::record_json(new_uuid_v7(), "nonsense", centre, v, json::object())});
    auto pushed = ingest.push(device->device, json{{"batch_id", new_uuid_v7()}, {"records", records}});
    REQUIRE(pushed);
  }
  return s;
}

std::int64_t db_count(Database& db, const std::string& sql) {
  auto lease = db.acquire();
  REQUIRE(lease);
  auto st = (*lease)->prepare(sql);
  REQUIRE(st);
  REQUIRE(st->step().value());
  return st->column_int(0);
}

json get_json(HqServer& server, const std::string& path, const Session& s, int status = 200) {
  auto res = server.get(path, s);
  REQUIRE(res);
  CAPTURE(path);
  CAPTURE(res->body);
  REQUIRE(res->status == status);
  return json::parse(res->body);
}

}  // namespace

TEST_CASE("HQ read routes hold the centre scope: lists, details, search and data quality") {
  HqServer server;
  const Seeded cases = seed(server);
  server.add_user("olga", "viewer", {"OSLO"});
  server.add_user("hanne", "viewer");
  const Session oslo = server.sign_in("olga");
  const Session all = server.sign_in("hanne");

  CHECK(get_json(server, "/cases", all)["total"] == 2);
  const json mine = get_json(server, "/cases", oslo);
  REQUIRE(mine["total"] == 1);
  CHECK(mine["cases"][0]["case_id"] == cases.oslo_case);
  // Bergen's case by its name, by its centre, by its id: nothing for the Oslo user.
  CHECK(get_json(server, "/cases?q=%D9%83%D8%B1%D9%8A%D9%85%D9%8A", all)["total"] == 1);  // كريمي finds کریمی
  CHECK(get_json(server, "/cases?q=%D9%83%D8%B1%D9%8A%D9%85%D9%8A", oslo)["total"] == 0);
  CHECK(get_json(server, "/cases?centre=BERGEN", oslo)["total"] == 0);
  CHECK(get_json(server, "/cases/" + cases.bergen_case, oslo, 404)["error"]["code"] == "not_found");
  const json detail = get_json(server, "/cases/" + cases.oslo_case, oslo);
  CHECK(detail["case"]["case_id"] == cases.oslo_case);
  CHECK(detail["records"].size() == 2);
  CHECK(get_json(server, "/cases/" + cases.bergen_case, all)["records"].size() == 2);

  const json centres = get_json(server, "/centres", oslo);
  REQUIRE(centres.size() == 1);
  CHECK(centres[0]["centre"] == "OSLO");
  CHECK(get_json(server, "/overview", oslo)["centres"].size() == 1);
  CHECK(get_json(server, "/overview", all)["centres"].size() == 2);
  CHECK(get_json(server, "/kiosks", oslo).size() == 1);
  CHECK(get_json(server, "/kiosks?centre=BERGEN", oslo).empty());
  CHECK(get_json(server, "/kiosks", all).size() == 2);

  const json refused = get_json(server, "/refused", oslo);
  REQUIRE(refused.size() == 1);
  CHECK(refused[0]["centre"] == "OSLO");
  CHECK(refused[0]["explanation"].get<std::string>().find("kind of record") != std::string::npos);
  CHECK_FALSE(refused[0].contains("payload"));
  CHECK(get_json(server, "/refused?centre=BERGEN", oslo).empty());
  CHECK(get_json(server, "/refused", all).size() == 2);
  CHECK(get_json(server, "/conflicts?centre=BERGEN", oslo).empty());

  // Exports: only the user's centre leaves, and each export is in the audit log.
  auto lines = server.get("/export?format=jsonl", oslo);
  REQUIRE(lines);
  REQUIRE(lines->status == 200);
  CHECK(lines->body.find(cases.oslo_case) != std::string::npos);
  CHECK(lines->body.find(cases.bergen_case) == std::string::npos);
  CHECK(lines->body.find("BERGEN") == std::string::npos);
  auto bergen_csv = server.get("/export?format=csv&centre=BERGEN", oslo);
  REQUIRE(bergen_csv);
  REQUIRE(bergen_csv->status == 200);
  CHECK(bergen_csv->body.find(cases.bergen_case) == std::string::npos);
  auto zip = server.get("/export", all);
  REQUIRE(zip);
  CHECK(zip->get_header_value("Content-Type") == "application/zip");
  CHECK(zip->body.rfind("PK", 0) == 0);
  CHECK(zip->body.find(cases.bergen_case) != std::string::npos);
  CHECK(get_json(server, "/export?format=xml", all, 400)["error"]["code"] == "invalid_request");
  CHECK(db_count(server.db(), "SELECT count(*) FROM audit_log WHERE action = 'records.exported'") == 3);

  CHECK(get_json(server, "/cases?sort=payload", all, 400)["error"]["code"] == "invalid_request");
  CHECK(get_json(server, "/cases?page=0", all, 400)["error"]["code"] == "invalid_request");
}

}  // namespace ws::server::hq::test
