#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ws/ids.hpp"
#include "ws/protocol.hpp"
#include "ws/push_reply.hpp"

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

namespace {

// The tree the push reply was built from before it was written directly (session 12): the
// bytes a kiosk reads must not change.
std::string push_response_as_tree(const PushResponse& r) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& x : r.results) {
    nlohmann::json one = {{"id", x.id}, {"status", to_string(x.status)}};
    if (!x.error.empty()) one["error"] = x.error;
    results.push_back(std::move(one));
  }
  nlohmann::json j = {{"batch_id", r.batch_id}, {"results", std::move(results)}, {"cursor", r.cursor}};
  if (!r.cursor_from.empty()) j["cursor_from"] = r.cursor_from;
  return j.dump();
}

}  // namespace

TEST_CASE("the push reply written directly is byte for byte the tree's dump") {
  const std::vector<std::string> texts = {"",
                                          "a",
                                          ws::new_uuid_v7(),
                                          "field 'age': must be a \"number\"",
                                          "back\\slash and \t tab, \n newline, \x01 and \x7f",
                                          "name 'Zahr\xc3\xa2' \xd8\xb2\xd9\x87\xd8\xb1\xd8\xa7 \xf0\x9f\x98\x80",
                                          std::string("nul \0 inside", 13)};
  const RecordStatus statuses[] = {RecordStatus::Applied, RecordStatus::Duplicate, RecordStatus::Merged,
                                   RecordStatus::Rejected};
  for (std::size_t round = 0; round < texts.size() * 4; ++round) {
    PushResponse r;
    r.batch_id = texts[round % texts.size()];
    r.cursor = texts[(round + 1) % texts.size()];
    r.cursor_from = round % 3 == 0 ? "" : texts[(round + 2) % texts.size()];
    for (std::size_t i = 0; i < round; ++i) {
      r.results.push_back({texts[(round + i) % texts.size()], statuses[i % 4], i % 4 == 3 ? texts[i % texts.size()] : ""});
    }
    CHECK(push_response_text(r) == push_response_as_tree(r));
  }
  // Every byte value at every place of an id (session 18 judges plain text by a table).
  const std::string id = ws::new_uuid_v7();
  for (std::size_t at = 0; at < id.size(); at += 5) {
    for (int byte = 0; byte < 256; ++byte) {
      std::string text = id;
      text[at] = static_cast<char>(byte);
      if (byte >= 0x80) text.insert(at + 1, "\x80");  // a lead byte's continuation, so most are valid UTF-8
      PushResponse r{"b", {{text, RecordStatus::Applied, ""}}, "1", ""};
      CAPTURE(at);
      CAPTURE(byte);
      std::string tree;
      try {
        tree = push_response_as_tree(r);
      } catch (const std::exception&) {
        CHECK_THROWS(push_response_text(r));
        continue;
      }
      CHECK(push_response_text(r) == tree);
    }
  }
  PushResponse invalid_utf8{"b", {{"\xff", RecordStatus::Applied, ""}}, "1", ""};
  CHECK_THROWS(push_response_as_tree(invalid_utf8));
  CHECK_THROWS(push_response_text(invalid_utf8));
}

TEST_CASE("the push reply's fast reader returns what the strict parse returns, or leaves it to that parse") {
  const std::vector<std::string> texts = {"a", ws::new_uuid_v7(), "field 'age': must be a \"number\"",
                                          "back\\slash, \t tab, \n newline, \x01",
                                          "name 'Zahr\xc3\xa2' \xd8\xb2\xd9\x87\xd8\xb1\xd8\xa7 \xf0\x9f\x98\x80"};
  const RecordStatus statuses[] = {RecordStatus::Applied, RecordStatus::Duplicate, RecordStatus::Merged,
                                   RecordStatus::Rejected};
  auto same = [](const PushResponse& a, const PushResponse& b) {
    if (a.batch_id != b.batch_id || a.cursor != b.cursor || a.cursor_from != b.cursor_from ||
        a.results.size() != b.results.size()) {
      return false;
    }
    for (std::size_t i = 0; i < a.results.size(); ++i) {
      const auto &x = a.results[i], &y = b.results[i];
      if (x.id != y.id || x.status != y.status || x.error != y.error) return false;
    }
    return true;
  };
  for (std::size_t round = 0; round < texts.size() * 4; ++round) {
    PushResponse r;
    r.batch_id = texts[round % texts.size()].substr(0, 36);
    r.cursor = round % 5 == 0 ? "" : texts[(round + 1) % texts.size()];
    r.cursor_from = round % 3 == 0 ? "" : texts[(round + 2) % texts.size()];
    for (std::size_t i = 0; i < round; ++i) {
      const std::string error = i % 4 == 3 ? texts[i % texts.size()] : "";
      r.results.push_back({texts[(round + i) % texts.size()], statuses[i % 4], error});
    }
    const std::string body = push_response_text(r);
    auto fast = read_push_reply(body);
    auto strict = parse_push_response(nlohmann::json::parse(body));
    REQUIRE(fast);
    REQUIRE(strict);
    CHECK(same(*fast, r));
    CHECK(same(*fast, *strict));
  }
  // Members the strict parse ignores, in any order, and no cursor at all (an older server).
  auto other_order = read_push_reply(R"({"results":[{"status":"merged","x":[1],"id":"r1"}],"v":2,"batch_id":"b"})");
  REQUIRE(other_order);
  CHECK(other_order->results.size() == 1);
  CHECK(other_order->results[0].status == RecordStatus::Merged);
  CHECK(other_order->cursor.empty());

  // Everything else is the strict parse's to judge: some it refuses with its message, some it
  // reads its own way (nlohmann keeps the last of two equal keys, ignores a cursor that is no string).
  const std::string undecided[] = {
      R"({"batch_id":"b","results":[{"id":"r1","status":"applied"}])",          // cut off
      "[]",
      R"({"batch_id":"b"})",                                                      // no results
      R"({"batch_id":"b","results":{}})",
      R"({"batch_id":"","results":[]})",
      R"({"batch_id":"0123456789012345678901234567890123456","results":[]})",  // 37 characters
      R"({"batch_id":"b","results":[{"id":"r1","status":"kept"}]})",             // unknown status
      R"({"batch_id":"b","results":[{"id":"r1"}]})",
      R"({"batch_id":"b","results":[{"id":1,"status":"applied"}]})",
      R"({"batch_id":"b","results":[7]})",
      R"({"batch_id":"b","batch_id":"c","results":[]})",
      R"({"batch_id":"b","results":[{"id":"r1","status":"rejected","status":"applied"}]})",
      R"({"batch_id":"b","cursor":12,"results":[]})",
      R"({"batch_id":"b","results":[{"id":"r1","status":"rejected","error":{"m":1}}]})",
  };
  for (const auto& body : undecided) {
    INFO(body);
    CHECK_FALSE(read_push_reply(body));
  }
  auto last_key = parse_push_response(nlohmann::json::parse(undecided[11]));
  REQUIRE(last_key);
  CHECK(last_key->results[0].status == RecordStatus::Applied);
  CHECK_FALSE(parse_push_response(nlohmann::json::parse(undecided[6])));
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
