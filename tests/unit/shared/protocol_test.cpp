#include <doctest/doctest.h>

#include "ws/ids.hpp"
#include "ws/protocol.hpp"

using namespace ws::protocol;

TEST_CASE("push request parsing checks the batch id and record count") {
  const auto batch = ws::new_uuid_v7();
  const nlohmann::json body = {{"batch_id", batch}, {"records", nlohmann::json::array({1, 2})}};
  CHECK(parse_push_request(body));
  CHECK(body["records"].size() == 2);  // the copying overload leaves the body alone
  auto ok = parse_push_request({{"batch_id", batch}, {"records", nlohmann::json::array({1, 2})}});
  REQUIRE(ok);
  CHECK(ok->records.size() == 2);

  CHECK_FALSE(parse_push_request({{"records", nlohmann::json::array()}}));
  CHECK_FALSE(parse_push_request({{"batch_id", "not-a-uuid"}, {"records", nlohmann::json::array()}}));
  CHECK_FALSE(parse_push_request({{"batch_id", batch}, {"records", "none"}}));
  auto extra = parse_push_request({{"batch_id", batch}, {"records", nlohmann::json::array()}, {"x", 1}});
  REQUIRE_FALSE(extra);
  CHECK(extra.error().message.find("'x'") != std::string::npos);
  auto too_many = parse_push_request(
      {{"batch_id", batch}, {"records", nlohmann::json(std::vector<int>(kMaxBatchRecords + 1, 0))}});
  REQUIRE_FALSE(too_many);
  CHECK(too_many.error().code == "too_large");
}

TEST_CASE("push response round trips") {
  PushResponse r{ws::new_uuid_v7(), {{"a", RecordStatus::Applied, ""}, {"b", RecordStatus::Rejected, "bad age"}}, "42", "40"};
  auto back = parse_push_response(to_json(r));
  REQUIRE(back);
  CHECK(back->batch_id == r.batch_id);
  REQUIRE(back->results.size() == 2);
  CHECK(back->results[1].status == RecordStatus::Rejected);
  CHECK(back->results[1].error == "bad age");
  CHECK(back->cursor == "42");
  CHECK(back->cursor_from == "40");
}

TEST_CASE("enrol request requires both fields") {
  CHECK(parse_enroll_request({{"code", "ABCD-EFGH-JKLM"}, {"device_name", "kiosk 1"}}));
  auto missing = parse_enroll_request({{"code", "ABCD"}});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("device_name") != std::string::npos);
  CHECK_FALSE(parse_enroll_request({{"code", 5}, {"device_name", "k"}}));
}

TEST_CASE("error bodies are read back, foreign bodies are explained") {
  auto e = parse_error_body(error_body("rate_limited", "slow down").dump(), 429);
  CHECK(e.code == "rate_limited");
  CHECK(e.message == "slow down");
  auto foreign = parse_error_body("<html>bad gateway</html>", 502);
  CHECK(foreign.code == "http_502");
  CHECK(foreign.message.find("502") != std::string::npos);
}
