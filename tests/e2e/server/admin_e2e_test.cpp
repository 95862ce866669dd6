#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "tests/e2e/server/kiosk_sim.hpp"

using namespace ws;
using namespace ws::e2e;
using nlohmann::json;

TEST_CASE("admin commands print JSON and their effects reach kiosks through pull") {
  TempDir dir;
  const auto db = dir.file("s.db");

  auto code = run_cli({"enroll-code", "--db", db, "--centre", "OSLO", "--ttl", "2h"});
  REQUIRE(code.exit_code == 0);
  CHECK(code.json()["centre"] == "OSLO");
  CHECK(code.json()["code"].get<std::string>().size() == 14);
  CHECK(run_cli({"enroll-code", "--db", db, "--centre", "OSLO", "--ttl", "soon"}).exit_code == 1);
  CHECK(run_cli({"enroll-code", "--db", db}).exit_code == 2);
  CHECK(run_cli({"frobnicate"}).exit_code == 2);

  auto user = run_cli({"user-add", "--db", db, "--name", "hq-anna", "--role", "manager"}, "a long password\n");
  REQUIRE(user.exit_code == 0);
  CHECK(user.json()["role"] == "manager");
  CHECK(user.out.find("a long password") == std::string::npos);
  CHECK(run_cli({"user-add", "--db", db, "--name", "x", "--role", "root"}, "a long password\n").exit_code == 1);

  auto counsellor = run_cli({"counsellor-add", "--db", db, "--centre", "OSLO", "--name", "Kari Nordmann"}, "482100\n");
  REQUIRE(counsellor.exit_code == 0);
  const auto counsellor_id = counsellor.json()["id"].get<std::string>();
  CHECK(counsellor.json()["role"] == "counsellor");

  const auto content = dir.file("bundle.json");
  {
    std::ofstream f(content);
    f << R"({"bundle":"sample-info","version":1})";
  }
  // With shared/content in the build, a bundle this thin is refused; either way the reply is JSON.
  auto published = run_cli({"publish", "--db", db, "--kind", "content", "--file", content, "--centre", "OSLO"});
  CHECK(published.json().is_object());
  CHECK(run_cli({"publish", "--db", db, "--kind", "case", "--file", content}).exit_code == 1);
  CHECK(run_cli({"publish", "--db", db, "--kind", "form", "--file", dir.file("missing.json")}).exit_code == 1);

  ServerProcess server(db, dir.file("server.log"));
  Kiosk k = enroll(db, server, "OSLO");
  auto c = server.client();

  auto devices = run_cli({"devices", "--db", db});
  REQUIRE(devices.exit_code == 0);
  REQUIRE(devices.json()["devices"].size() == 1);
  CHECK(devices.json()["devices"][0]["device_id"] == k.device_id);
  CHECK(devices.json()["devices"][0]["revoked"] == false);

  auto pull_all = [&] {
    auto res = c.Get("/v1/pull?since=0&limit=1000", k.auth());
    REQUIRE(res);
    REQUIRE(res->status == 200);
    auto page = protocol::parse_pull_response(json::parse(res->body));
    REQUIRE(page.has_value());
    return page->records;
  };
  bool found = false;
  for (const auto& e : pull_all()) {
    if (e.id == counsellor_id) {
      found = true;
      CHECK(e.kind == "counsellor");
      CHECK(e.payload["active"] == true);
      CHECK(e.payload["pin_hash"].get<std::string>().rfind("$argon2id$", 0) == 0);
    }
  }
  CHECK(found);
  REQUIRE(run_cli({"counsellor-disable", "--db", db, "--id", counsellor_id}).exit_code == 0);
  for (const auto& e : pull_all()) {
    if (e.id == counsellor_id) CHECK(e.payload["active"] == false);
  }

  REQUIRE(push(c, k, batch(new_uuid_v7(), json::array({record(new_uuid_v7(), "case", "OSLO",
                                                                   Version{Hlc{now_ms(), 0}, k.device_id},
                                                                   {{"case_number", "=1+1"}})})))->status == 200);
  auto csv = run_cli({"export", "--db", db, "--format", "csv", "--kind", "case"});
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.rfind("id,kind,centre,version,deleted,schema_version,seq,case_number\r\n", 0) == 0);
  CHECK(csv.out.find(",'=1+1\r\n") != std::string::npos);
  auto exported = run_cli({"export", "--db", db, "--format", "json"});
  REQUIRE(exported.exit_code == 0);
  CHECK(exported.json().is_array());
  CHECK(exported.json().size() >= 2);
  CHECK(run_cli({"export", "--db", db, "--format", "xml"}).exit_code == 1);

  REQUIRE(run_cli({"revoke", "--db", db, "--device", k.device_id}).exit_code == 0);
  auto after = c.Get("/v1/pull?since=0", k.auth());
  REQUIRE(after);
  CHECK(after->status == 401);
  CHECK(run_cli({"revoke", "--db", db, "--device", new_uuid_v7()}).exit_code == 1);
}

TEST_CASE("metrics count requests, batches, records, rejections and conflicts") {
  TempDir dir;
  const auto db = dir.file("s.db");
  ServerProcess server(db, dir.file("server.log"));
  Kiosk k = enroll(db, server, "OSLO");
  auto c = server.client();
  const Version v{Hlc{now_ms(), 0}, k.device_id};
  const auto body = batch(new_uuid_v7(), json::array({record(new_uuid_v7(), "case", "OSLO", v, {{"a", 1}}),
                                                      record(new_uuid_v7(), "nonsense", "OSLO", v, {{"a", 1}})}));
  REQUIRE(push(c, k, body)->status == 200);
  REQUIRE(push(c, k, body)->status == 200);
  // httplib calls the logger, which counts the request, only after the reply is written; so the
  // second push may not be counted yet when its reply arrives. Wait for it, within a bound.
  const std::string counted_pushes =
      "waystation_http_requests_total{method=\"POST\",route=\"/v1/push\",status=\"200\"} 2";
  auto m = c.Get("/metrics");
  for (int attempt = 0; attempt < 100 && m && m->body.find(counted_pushes) == std::string::npos; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    m = c.Get("/metrics");
  }
  REQUIRE(m);
  CHECK(m->status == 200);
  CHECK(m->get_header_value("Content-Type").rfind("text/plain", 0) == 0);
  CHECK(m->body.find("waystation_http_requests_total{method=\"POST\",route=\"/v1/push\",status=\"200\"} 2") != std::string::npos);
  CHECK(m->body.find("waystation_push_batches_total{outcome=\"new\"} 1") != std::string::npos);
  CHECK(m->body.find("waystation_push_batches_total{outcome=\"replay\"} 1") != std::string::npos);
  CHECK(m->body.find("waystation_push_records_total{status=\"applied\"} 1") != std::string::npos);
  CHECK(m->body.find("waystation_push_records_rejected_total 1") != std::string::npos);
  CHECK(m->body.find("waystation_merge_conflicts_total 0") != std::string::npos);
  CHECK(m->body.find("waystation_http_request_duration_seconds_count{route=\"/v1/push\"} 2") != std::string::npos);
  // One log line per request, with the device id and never the payload.
  std::string text;
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::ifstream log(dir.file("server.log"));
    text.assign(std::istreambuf_iterator<char>(log), std::istreambuf_iterator<char>());
    if (text.find("POST /v1/push 200") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(text.find("POST /v1/push 200") != std::string::npos);
  CHECK(text.find("device=" + k.device_id) != std::string::npos);
  CHECK(text.find("nonsense") == std::string::npos);
}
