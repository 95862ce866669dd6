#include <doctest/doctest.h>
#include <zlib.h>

#include "tests/e2e/server/kiosk_sim.hpp"

using namespace ws;
using namespace ws::e2e;
using nlohmann::json;

namespace {

std::string gzip(const std::string& data) {
  z_stream s{};
  REQUIRE(deflateInit2(&s, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&s, data.size()), '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  s.avail_in = static_cast<uInt>(data.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&s, Z_FINISH) == Z_STREAM_END);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

struct BadRequest {
  std::string name;
  std::string body;
  httplib::Headers headers;
  std::string content_type = "application/json";
  int status;          // expected HTTP status
  std::string code;    // expected error code; empty: 200 with every record rejected
};

}  // namespace

TEST_CASE("bad-input catalogue: each gets its 4xx JSON error, nothing is stored, the server keeps serving") {
  TempDir dir;
  const auto db = dir.file("s.db");
  ServerProcess server(db, dir.file("server.log"));
  Kiosk k = enroll(db, server, "OSLO");
  Kiosk revoked = enroll(db, server, "OSLO", "lost tablet");
  REQUIRE(run_cli({"revoke", "--db", db, "--device", revoked.device_id}).exit_code == 0);

  const Version v{Hlc{now_ms(), 0}, k.device_id};
  const auto good_record = record(new_uuid_v7(), "case", "OSLO", v, {{"case_number", "A-1"}});
  const std::string valid = batch(new_uuid_v7(), json::array({good_record}));
  auto with_record = [&](json r) { return batch(new_uuid_v7(), json::array({std::move(r)})); };
  auto auth = k.auth();

  std::vector<BadRequest> catalogue;
  catalogue.push_back({"malformed JSON", "{\"batch_id\": [1,,]}", auth, "application/json", 400, "invalid_json"});
  catalogue.push_back({"truncated JSON", valid.substr(0, valid.size() / 2), auth, "application/json", 400, "invalid_json"});
  catalogue.push_back({"empty body", "", auth, "application/json", 400, "invalid_json"});
  catalogue.push_back({"wrong type: batch_id", R"({"batch_id":5,"records":[]})", auth, "application/json", 400, "invalid_request"});
  catalogue.push_back({"wrong type: records", "{\"batch_id\":\"" + new_uuid_v7() + "\",\"records\":{}}", auth, "application/json", 400, "invalid_request"});
  catalogue.push_back({"missing records", "{\"batch_id\":\"" + new_uuid_v7() + "\"}", auth, "application/json", 400, "invalid_request"});
  catalogue.push_back({"extra field", "{\"batch_id\":\"" + new_uuid_v7() + "\",\"records\":[],\"admin\":true}", auth, "application/json", 400, "invalid_request"});
  catalogue.push_back({"megabyte batch_id", json{{"batch_id", std::string(1 << 20, 'a')}, {"records", json::array()}}.dump(), auth, "application/json", 400, "invalid_request"});
  catalogue.push_back({"deep nesting", std::string(200000, '[') + std::string(200000, ']'), auth, "application/json", 400, "invalid_json"});
  catalogue.push_back({"invalid UTF-8", "{\"batch_id\":\"\xc3\x28\",\"records\":[]}", auth, "application/json", 400, "invalid_json"});
  static const char raw_nul[] = "{\"batch_id\":\"a\0\",\"records\":[]}";
  catalogue.push_back({"raw NUL byte", std::string(raw_nul, sizeof raw_nul - 1), auth, "application/json", 400, "invalid_json"});
  catalogue.push_back({"SQL in batch_id", R"({"batch_id":"'; DROP TABLE records; --","records":[]})", auth, "application/json", 400, "invalid_request"});
  catalogue.push_back({"wrong content type", valid, auth, "text/plain", 415, "unsupported_media_type"});
  catalogue.push_back({"wrong protocol version", valid, httplib::Headers{{"Authorization", "Bearer " + k.token}, {"X-Waystation-Protocol", "7"}}, "application/json", 400, "protocol_version"});
  catalogue.push_back({"missing token", valid, {}, "application/json", 401, "unauthorized"});
  catalogue.push_back({"not a bearer token", valid, {{"Authorization", "Basic dXNlcjpwYXNz"}}, "application/json", 401, "unauthorized"});
  catalogue.push_back({"unknown token", valid, {{"Authorization", "Bearer " + std::string(43, 'A')}}, "application/json", 401, "unauthorized"});
  catalogue.push_back({"revoked token", valid, revoked.auth(), "application/json", 401, "revoked"});
  catalogue.push_back({"other centre's record", batch(new_uuid_v7(), json::array({good_record, record(new_uuid_v7(), "case", "BERGEN", v, {{"n", 1}})})), auth, "application/json", 403, "forbidden"});
  // The same faults inside the records array, which the server parses record by record on two
  // threads: one broken record refuses the whole body, even after a good one.
  const std::string head = "{\"batch_id\":\"" + new_uuid_v7() + "\",\"records\":[" + good_record.dump() + ",";
  catalogue.push_back({"malformed record after a good one", head + R"({"id":"x",}]})", auth, "application/json", 400, "invalid_json"});
  catalogue.push_back({"empty record slot", head + "]}", auth, "application/json", 400, "invalid_json"});
  catalogue.push_back({"invalid UTF-8 in a record", head + "{\"id\":\"\xc3\x28\"}]}", auth, "application/json", 400, "invalid_json"});
  catalogue.push_back({"deep nesting in a record", head + std::string(100, '[') + std::string(100, ']') + "]}", auth, "application/json", 400, "invalid_json"});
  std::string ones = "1";
  for (std::size_t i = 0; i < protocol::kMaxBatchRecords; ++i) ones += ",1";
  catalogue.push_back({"too many records", "{\"batch_id\":\"" + new_uuid_v7() + "\",\"records\":[" + ones + "]}", auth, "application/json", 413, "too_large"});
  catalogue.push_back({"oversized body", json{{"batch_id", new_uuid_v7()}, {"records", json::array({json{{"x", std::string(17 << 20, 'a')}}})}}.dump(), auth, "application/json", 413, "too_large"});
  // Records the server refuses one by one (poison records): 200, each rejected with a reason.
  catalogue.push_back({"unknown kind", with_record(record(new_uuid_v7(), "spaceship", "OSLO", v, {{"x", 1}})), auth, "application/json", 200, ""});
  json sql_kind = record(new_uuid_v7(), "case", "OSLO", v, {{"x", 1}});
  sql_kind["kind"] = "case'; DROP TABLE records; --";
  catalogue.push_back({"SQL in kind", with_record(sql_kind), auth, "application/json", 200, ""});
  catalogue.push_back({"megabyte string in payload", with_record(record(new_uuid_v7(), "case", "OSLO", v, {{"notes", std::string(1 << 20, 'x')}})), auth, "application/json", 200, ""});
  catalogue.push_back({"escaped NUL in payload", with_record(record(new_uuid_v7(), "case", "OSLO", v, {{"notes", std::string("a\0b", 3)}})), auth, "application/json", 200, ""});
  catalogue.push_back({"missing envelope field", with_record(json{{"id", new_uuid_v7()}, {"kind", "case"}, {"centre", "OSLO"}, {"payload", json::object()}}), auth, "application/json", 200, ""});
  catalogue.push_back({"extra envelope field", with_record([&] { auto r = good_record; r["owner"] = "me"; r["id"] = new_uuid_v7(); return r; }()), auth, "application/json", 200, ""});
  catalogue.push_back({"wrong envelope type", with_record([&] { auto r = good_record; r["deleted"] = "yes"; r["id"] = new_uuid_v7(); return r; }()), auth, "application/json", 200, ""});
  catalogue.push_back({"form pushed by a kiosk", with_record(record(new_uuid_v7(), "form", "OSLO", v, {{"id", "intake"}})), auth, "application/json", 200, ""});

  auto c = server.client();
  for (const auto& bad : catalogue) {
    CAPTURE(bad.name);
    auto res = c.Post(protocol::kRoutePush, bad.headers, bad.body, bad.content_type.c_str());
    REQUIRE(res);
    CHECK(res->status == bad.status);
    auto body = json::parse(res->body, nullptr, false);
    REQUIRE(body.is_object());
    if (bad.code.empty()) {
      REQUIRE(body["results"].size() == 1);
      CHECK(body["results"][0]["status"] == "rejected");
      CHECK_FALSE(body["results"][0]["error"].get<std::string>().empty());
    } else {
      CHECK(body["error"]["code"] == bad.code);
      CHECK(body["error"]["message"].is_string());
    }
    CHECK(db_count(db, "SELECT COUNT(*) FROM records") == 0);
    auto health = c.Get("/healthz");
    REQUIRE(health);
    CHECK(health->status == 200);
  }

  {  // compressed bodies
    httplib::Headers gz = auth;
    gz.emplace("Content-Encoding", "gzip");
    // 64 MiB of zeros in ~64 KiB: the decoded size cap stops it long before memory fills.
    const std::string bomb = gzip(std::string(64u << 20, '0'));
    auto res = c.Post(protocol::kRoutePush, gz, bomb, "application/json");
    REQUIRE(res);
    CHECK(res->status == 413);
    CHECK(json::parse(res->body)["error"]["code"] == "too_large");

    auto corrupt = c.Post(protocol::kRoutePush, gz, std::string("\x1f\x8b\x08garbage", 10), "application/json");
    REQUIRE(corrupt);
    CHECK(corrupt->status == 400);

    httplib::Headers odd = auth;
    odd.emplace("Content-Encoding", "zstd");
    auto unknown = c.Post(protocol::kRoutePush, odd, valid, "application/json");
    REQUIRE(unknown);
    CHECK(unknown->status == 415);
    CHECK(db_count(db, "SELECT COUNT(*) FROM records") == 0);
  }
  {  // pull and enrol refuse bad input too
    auto no_token = c.Get("/v1/pull?since=0");
    REQUIRE(no_token);
    CHECK(no_token->status == 401);
    auto bad_cursor = c.Get("/v1/pull?since=1%27%20OR%201%3D1", auth);
    REQUIRE(bad_cursor);
    CHECK(bad_cursor->status == 400);
    auto bad_limit = c.Get("/v1/pull?limit=100000", auth);
    REQUIRE(bad_limit);
    CHECK(bad_limit->status == 400);
    auto bad_code = c.Post(protocol::kRouteEnroll, R"({"code":"AAAA-BBBB-CCCC","device_name":"x"})", "application/json");
    REQUIRE(bad_code);
    CHECK(bad_code->status == 401);
    CHECK(json::parse(bad_code->body)["error"]["code"] == "invalid_code");
    auto bad_enrol = c.Post(protocol::kRouteEnroll, R"({"code":1})", "application/json");
    REQUIRE(bad_enrol);
    CHECK(bad_enrol->status == 400);
    auto nowhere = c.Get("/v2/everything");
    REQUIRE(nowhere);
    CHECK(nowhere->status == 404);
    CHECK(json::parse(nowhere->body)["error"]["code"] == "not_found");
  }
  // And after all of that, a good batch still applies.
  auto ok = c.Post(protocol::kRoutePush, auth, valid, "application/json");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(db_count(db, "SELECT COUNT(*) FROM records") == 1);
}
